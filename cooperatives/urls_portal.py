from django.urls import path

from cooperatives import views

urlpatterns = [
    path("", views.cooperative_list, name="list"),
    path("<int:cooperative_id>/", views.cooperative_dashboard, name="dashboard"),
]
