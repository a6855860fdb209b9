"""Catalogue pages: the storefront (browse, search, product, shop, village, regency) and the seller's
pages (my shops, my products, add and edit with variants and photos). All work without JavaScript.

Views are thin: read a form, call one service inside a transaction, show its translated error on
the field it names. A DomainError rolls the whole request back, so nothing is half-saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lumbung.accounts.models import Membership, Organisation, Role
from lumbung.core.errors import DomainError, NotFound
from lumbung.core.permissions import can
from lumbung.regions.models import Area, Level

from . import selectors, services
from .forms import NewProductForm, PhotoForm, ProductForm, ShopForm, VariantEditForm, VariantForm
from .models import Shop, Variant
from .query import SORTS, SearchParams, all_categories, parse_price

PAGE_SIZE = 24


def _params_from(request, **fixed) -> SearchParams:
    get = request.GET
    currency = get.get("currency", "IDR") if get.get("currency") in ("IDR", "CNY") else "IDR"
    params = SearchParams(
        q=get.get("q", "")[:200],
        category=get.get("category", ""),
        area=get.get("area", ""),
        min_price=parse_price(get.get("min_price"), currency),
        max_price=parse_price(get.get("max_price"), currency),
        currency=currency,
        standards=[code for code in get.getlist("standard") if code][:5],
        sort=get.get("sort", "") if get.get("sort") in SORTS else "",
        cursor=get.get("cursor", ""),
        limit=PAGE_SIZE,
    )
    for name, value in fixed.items():
        setattr(params, name, value)
    return params


def _next_url(request, cursor: str) -> str:
    query = request.GET.copy()
    query["cursor"] = cursor
    return f"?{query.urlencode()}"


def _listing(
    request, *, title: str, params: SearchParams, template="catalog/product_list.html", nodes=None, **extra
):
    nodes = all_categories() if nodes is None else nodes  # read the small tree once per page
    page = selectors.search(params, categories=nodes)
    context = {
        "title": title,
        "page": page,
        "params": params,
        "next_url": _next_url(request, page.next_cursor) if page.next_cursor else "",
        "categories": selectors.category_tree(nodes),
        "sorts": [
            ("relevance", _("Best match")),
            ("newest", _("Newest")),
            ("price_asc", _("Lowest price")),
            ("price_desc", _("Highest price")),
        ],
        **extra,
    }
    return render(request, template, context)


# --- storefront --------------------------------------------------------------------------------------
def search_page(request):
    params = _params_from(request)
    title = _("Results for “%(q)s”") % {"q": params.q} if params.q else _("All products")
    return _listing(request, title=title, params=params)


def category_page(request, slug: str):
    # The whole (small) tree is one query or a cache hit; parent and sub-categories come from it.
    nodes = all_categories()
    category = next((node for node in nodes if node.slug == slug and node.is_active), None)
    if category is None:
        raise Http404
    if category.parent_id is not None:
        category.parent = next((node for node in nodes if node.pk == category.parent_id), None)
    subcategories = [node for node in nodes if node.parent_id == category.pk]
    return _listing(
        request,
        title=category.name(),
        params=_params_from(request, category=slug),
        category=category,
        subcategories=subcategories,
        nodes=nodes,
    )


def area_page(request, code: str, level: str):
    area = Area.objects.filter(code=code).select_related("parent").first()
    wanted = (Level.REGENCY,) if level == "regency" else (Level.VILLAGE, Level.DISTRICT)
    if area is None or area.level not in wanted:
        raise Http404
    if level == "regency":
        title = _("Products from %(place)s") % {"place": area.name}
    else:
        title = _("Products from the village of %(place)s") % {"place": area.name}
    return _listing(request, title=title, params=_params_from(request, area=code), area=area)


def product_page(request, public_id: str):
    try:
        product = selectors.product_for_viewer(public_id=public_id, user=request.user)
    except NotFound as exc:
        raise Http404 from exc
    variants = list(product.variants.all())
    photos = list(product.photos.all())
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "variants": variants,
            "photos": photos,
            "can_edit": can(request.user, "catalog.edit_product", product),
        },
    )


def shop_page(request, slug: str):
    try:
        shop = selectors.shop_public(slug=slug)
    except NotFound as exc:
        raise Http404 from exc
    return _listing(
        request,
        title=shop.name,
        params=_params_from(request, shop_id=shop.pk),
        template="catalog/shop_detail.html",
        shop=shop,
    )


# --- seller pages -----------------------------------------------------------------------------------------
def _form_error(form, exc: DomainError) -> None:
    field = (exc.details or {}).get("field")
    form.add_error(field if field in form.fields else None, str(exc.message))


def _managed_shop(request, public_id: str) -> Shop:
    shop = Shop.objects.select_related("village", "organisation").filter(public_id=public_id).first()
    if shop is None or not can(request.user, "catalog.manage_shop", shop):
        raise Http404
    return shop


def _editable(request, public_id: str):
    try:
        return selectors.product_for_editor(public_id=public_id, user=request.user)
    except NotFound as exc:
        raise Http404 from exc


def _openable_organisations(user):
    owned = Membership.objects.filter(user=user, role=Role.OWNER, is_active=True, organisation__isnull=False)
    return Organisation.objects.filter(pk__in=owned.values("organisation_id"), shop__isnull=True).order_by(
        "name"
    )


@login_required
def seller_home(request):
    return render(
        request,
        "catalog/seller/home.html",
        {
            "shops": selectors.seller_shops(user=request.user),
            "openable": _openable_organisations(request.user),
        },
    )


@login_required
def seller_shop_new(request):
    organisations = list(_openable_organisations(request.user))
    form = ShopForm(request.POST or None, initial={"language": "id"})
    form.fields["organisation"].choices = [(o.public_id, o.name) for o in organisations]
    form.fields["organisation"].required = True
    if request.method == "POST" and form.is_valid():
        organisation = next(
            (o for o in organisations if o.public_id == form.cleaned_data["organisation"]), None
        )
        try:
            with transaction.atomic():
                shop = services.shop_create(
                    actor=request.user,
                    organisation=organisation,
                    **{k: v for k, v in form.cleaned_data.items() if k != "organisation"},
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your shop is open. Add your first product."))
            return redirect("catalog:seller_shop", public_id=shop.public_id)
    return render(request, "catalog/seller/shop_form.html", {"form": form, "organisations": organisations})


@login_required
def seller_shop(request, public_id: str):
    shop = _managed_shop(request, public_id)
    initial = {
        f: getattr(shop, f) for f in ("name", "story_id", "story_en", "story_zh", "language", "village_text")
    }
    form = ShopForm(request.POST or None, initial=initial)
    del form.fields["organisation"]
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.shop_update(actor=request.user, shop=shop, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:seller_shop", public_id=shop.public_id)
    products = selectors.seller_products(shop=shop)
    return render(request, "catalog/seller/shop.html", {"shop": shop, "form": form, "products": products})


@login_required
def seller_product_new(request, public_id: str):
    shop = _managed_shop(request, public_id)
    form = NewProductForm(request.POST or None, request.FILES or None, initial={"unit": "pack", "stock": 0})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        price = parse_price(data["price"], shop.currency)
        try:
            with transaction.atomic():
                product = services.product_create(
                    actor=request.user,
                    shop=shop,
                    category=data["category"],
                    unit=data["unit"],
                    **{k: data[k] for k in ProductForm.base_fields if k not in ("category", "unit")},
                    variants=[
                        {
                            "sku": data["sku"],
                            "label": data["label"],
                            "price": price if price is not None else data["price"],
                            "stock": data["stock"],
                            "weight_grams": data["weight_grams"],
                        }
                    ],
                )
                if data.get("photo"):
                    services.photo_add(actor=request.user, product=product, upload=data["photo"])
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved. The product is waiting for its quality check."))
            return redirect("catalog:seller_product", public_id=product.public_id)
    return render(request, "catalog/seller/product_new.html", {"shop": shop, "form": form})


def _editor(
    request, product, *, form=None, variant_form=None, photo_form=None, variant_forms=None, status=200
):
    variants = list(product.variants.all())
    bound = variant_forms or {}
    rows = [
        (
            v,
            bound.get(v.pk)
            or VariantEditForm(
                initial={
                    "label": v.label,
                    "price": v.price_amount.normalize(),
                    "stock": v.stock,
                    "stock_seen": v.stock,
                    "is_active": v.is_active,
                },
                prefix=v.public_id,
            ),
        )
        for v in variants
    ]
    initial = {f: getattr(product, f) for f in ProductForm.base_fields if f != "category"}
    initial["category"] = product.category.slug
    return render(
        request,
        "catalog/seller/product_edit.html",
        {
            "product": product,
            "shop": product.shop,
            "form": form or ProductForm(initial=initial),
            "variant_rows": rows,
            "variant_form": variant_form or VariantForm(),
            "photo_form": photo_form or PhotoForm(),
            "photos": list(product.photos.all()),
        },
        status=status,
    )


@login_required
def seller_product(request, public_id: str):
    product = _editable(request, public_id)
    if request.method != "POST":
        return _editor(request, product)
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.product_update(actor=request.user, product=product, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:seller_product", public_id=public_id)
    return _editor(request, product, form=form, status=422)


@login_required
@require_POST
def seller_variant_add(request, public_id: str):
    product = _editable(request, public_id)
    form = VariantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        price = parse_price(data["price"], product.shop.currency)
        try:
            with transaction.atomic():
                services.variant_create(
                    actor=request.user,
                    product=product,
                    **{**data, "price": price if price is not None else data["price"]},
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Variant added."))
            return redirect("catalog:seller_product", public_id=public_id)
    return _editor(request, _editable(request, public_id), variant_form=form, status=422)


@login_required
@require_POST
def seller_variant(request, public_id: str):
    variant = Variant.objects.select_related("product").filter(public_id=public_id).first()
    if variant is None:
        raise Http404
    product = _editable(request, variant.product.public_id)
    form = VariantEditForm(request.POST, prefix=variant.public_id)
    if form.is_valid():
        data = form.cleaned_data
        price = parse_price(data["price"], product.shop.currency)
        try:
            with transaction.atomic():
                services.variant_update(
                    actor=request.user,
                    variant=variant,
                    label=data["label"],
                    price=price if price is not None else data["price"],
                    is_active=data["is_active"],
                )
                services.stock_set(
                    actor=request.user, variant=variant, expected=data["stock_seen"], new=data["stock"]
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("catalog:seller_product", public_id=product.public_id)
    return _editor(
        request, _editable(request, product.public_id), variant_forms={variant.pk: form}, status=422
    )


@login_required
@require_POST
def seller_photo_add(request, public_id: str):
    product = _editable(request, public_id)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                services.photo_add(
                    actor=request.user,
                    product=product,
                    upload=form.cleaned_data["photo"],
                    alt_text=form.cleaned_data["alt_text"],
                )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Photo added."))
            return redirect("catalog:seller_product", public_id=public_id)
    return _editor(request, _editable(request, public_id), photo_form=form, status=422)
