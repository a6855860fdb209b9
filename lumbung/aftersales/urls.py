from django.urls import path

from . import views

app_name = "aftersales"
urlpatterns = [
    path("", views.cases_mine, name="mine"),
    path("selling/", views.cases_selling, name="selling"),
    path("queue/", views.cases_queue, name="queue"),
    path("open/<str:order>/", views.case_open, name="open"),
    path("case/<str:public_id>/", views.case_detail, name="detail"),
    path("case/<str:public_id>/do/<str:act>/", views.case_act, name="act"),
    path("case/<str:public_id>/photo/<str:photo>/", views.case_photo, name="photo"),
]
