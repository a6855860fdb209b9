from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.index, name="index"),
    path("options", views.options, name="options"),
    path("<str:code>/", views.area_detail, name="area"),
]
