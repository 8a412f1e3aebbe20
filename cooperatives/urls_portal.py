from django.urls import path

from cooperatives import views, views_manage

urlpatterns = [
    path("", views.cooperative_list, name="list"),
    path("<int:cooperative_id>/", views.cooperative_dashboard, name="dashboard"),
    path("<int:cooperative_id>/manage/", views_manage.cooperative_manage, name="manage"),
]
