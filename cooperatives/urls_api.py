from django.urls import path

from cooperatives import api

urlpatterns = [
    path("cooperatives/", api.CooperativeList.as_view(), name="cooperative-list"),
    path("cooperatives/<int:cooperative_id>/allocations/",
         api.CooperativeAllocations.as_view(), name="cooperative-allocations"),
    path("generators/<int:generator_id>/production/", api.GeneratorProduction.as_view(),
         name="generator-production"),
]
