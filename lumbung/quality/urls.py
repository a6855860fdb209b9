from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("", views.index, name="index"),
    path("products/", views.products, name="products"),
    path("products/<str:public_id>/", views.product_gate, name="product"),
    path("products/<str:public_id>/request/", views.product_request, name="product_request"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<str:public_id>/file/", views.certificate_file, name="certificate_file"),
    path("review/", views.review, name="review"),
    path("review/certificates/<str:public_id>/", views.certificate_review, name="certificate_review"),
    path("review/products/<str:public_id>/inspect/", views.inspect, name="inspect"),
    path("inspections/<str:public_id>/photos/<int:n>/", views.inspection_photo, name="inspection_photo"),
]
