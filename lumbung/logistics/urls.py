from django.urls import path

from . import views

app_name = "logistics"
urlpatterns = [
    path("rates", views.rates, name="rates"),
]
