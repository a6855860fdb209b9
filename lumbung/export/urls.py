from django.urls import path

from . import views

app_name = "export"
urlpatterns = [
    path("", views.home, name="home"),
    path("exporters/new/", views.exporter_register, name="exporter_register"),
    path("exporters/<str:public_id>/", views.exporter_detail, name="exporter"),
    path("exporters/<str:public_id>/verify/", views.exporter_verify, name="exporter_verify"),
    path("p/<str:public_id>/", views.provenance, name="provenance"),
    path("p/<str:public_id>/qr.svg", views.provenance_qr, name="provenance_qr"),
]
