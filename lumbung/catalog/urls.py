"""Catalogue pages, mounted at the site root: storefront under /c/ /p/ /search/ /shops/ /villages/
/regencies/, and the seller's pages under /seller/."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("c/<slug:slug>/", views.category_page, name="category"),
    path("p/<str:public_id>/", views.product_page, name="product"),
    path("shops/<slug:slug>/", views.shop_page, name="shop"),
    path("villages/<str:code>/", views.area_page, {"level": "village"}, name="village"),
    path("regencies/<str:code>/", views.area_page, {"level": "regency"}, name="regency"),
    path("seller/", views.seller_home, name="seller_home"),
    path("seller/shops/new/", views.seller_shop_new, name="seller_shop_new"),
    path("seller/shops/<str:public_id>/", views.seller_shop, name="seller_shop"),
    path("seller/shops/<str:public_id>/products/new/", views.seller_product_new, name="seller_product_new"),
    path("seller/products/<str:public_id>/", views.seller_product, name="seller_product"),
    path("seller/products/<str:public_id>/variants/", views.seller_variant_add, name="seller_variant_add"),
    path("seller/variants/<str:public_id>/", views.seller_variant, name="seller_variant"),
    path("seller/products/<str:public_id>/photos/", views.seller_photo_add, name="seller_photo_add"),
]
