from django.urls import path

from . import views

app_name = "centers"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:public_id>/", views.centre_page, name="centre"),
    path("<str:public_id>/receive/", views.receive, name="receive"),
    path("<str:public_id>/cash-up/", views.cash_up, name="cash_up"),
]
