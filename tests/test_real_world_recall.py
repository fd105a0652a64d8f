"""Forms real sites label as mailing-list sign-ups that the rules missed: the word in other
languages, a list named in the form's address or class, a field nobody labelled."""

from __future__ import annotations

import pytest

from scanner.analysis.classify import classify_page
from scanner.analysis.rules import RuleSet
from scanner.models import Element, Form, FormField, Page

BASE = "https://site.test"


def text_field(name: str, label: str = "", type_: str = "text") -> FormField:
    return FormField(
        tag="textarea" if type_ == "textarea" else "input", type=type_, name=name, label=label
    )


def form_kinds(rules: RuleSet, form: Form) -> set[str]:
    page = Page(url=BASE + "/", requested_url=BASE + "/", status=200, depth=0, forms=[form])
    return {f.kind for f in classify_page(page, rules) if f.target == "form"}


@pytest.mark.parametrize(
    "form",
    [
        # Russian "subscribe", the form posting to the page it is on
        Form(
            selector="#subscription",
            id="subscription",
            action=BASE + "/order_status/",
            fields=[text_field("email", "Email")],
            submit_text="Подписаться",
        ),
        Form(
            selector="#nl",
            action=BASE + "/",
            fields=[text_field("mail", "E-mail")],
            submit_text="Zapisz się do newslettera",
        ),
        Form(
            selector="#nl",
            action=BASE + "/",
            fields=[text_field("epost", "", "email")],
            submit_text="Prenumerera",
        ),
        # a brand's sign-up with names, birthday and post code
        Form(
            selector="#k",
            heading="Sign up for Acme Coffee emails",
            fields=[
                text_field("first_name", "First Name"),
                text_field("email", "Email Address"),
                text_field("zip", "Zip Code"),
                FormField(tag="input", type="checkbox", name="terms"),
            ],
            submit_text="Sign up",
        ),
        Form(
            selector="form.EmailSignUpForm",
            classes="address EmailSignUpForm",
            action=BASE + "/Account-EmailSignup",
            fields=[text_field("firstname", "First Name"), text_field("email")],
            submit_text="Submit",
        ),
        # the one field nobody labelled, in a form that posts to the list
        Form(
            selector="#form1",
            action=BASE + "/newsletter.asp",
            fields=[text_field("inputnews")],
            submit_text="Iscriviti ora",
        ),
        Form(
            selector="form",
            action=BASE + "/newsletters_inscription.php",
            fields=[text_field("sendto"), text_field("lastname")],
        ),
    ],
)
def test_mailing_list_sign_ups(rules: RuleSet, form: Form) -> None:
    assert form_kinds(rules, form) == {"newsletter_form"}


@pytest.mark.parametrize(
    ("form", "kind"),
    [
        # a message makes it a contact form, whatever the button says
        (
            Form(
                selector="#c",
                action=BASE + "/newsletter.php",
                fields=[text_field("email", "Email"), text_field("msg", "Message", "textarea")],
                submit_text="Подписаться",
            ),
            "contact_form",
        ),
        # a password makes it an account
        (
            Form(
                selector="#s",
                action=BASE + "/subscribe",
                fields=[
                    text_field("email", "Email"),
                    text_field("pass", "Password", "password"),
                    text_field("pass2", "Confirm password", "password"),
                ],
                submit_text="Subscribe",
            ),
            "signup_form",
        ),
        # an unlabelled field that posts to a search
        (
            Form(selector="#q", action=BASE + "/search", fields=[text_field("inputnews")]),
            "search_form",
        ),
    ],
)
def test_near_misses_of_mailing_list_sign_ups(rules: RuleSet, form: Form, kind: str) -> None:
    assert form_kinds(rules, form) == {kind}


def buy_buttons(count: int, text: str = "장바구니") -> list[Element]:
    return [
        Element(
            tag="button",
            text=text,
            attrs={"type": "button"},
            visible=True,
            selector=f"#buy-{n}",
            snippet=f"<button>{text}",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("path", "text", "product"),
    [
        # the buy bar repeated at the top and the bottom of a deal page: four buttons, one product
        ("/deal/4548094738", "장바구니", True),
        ("/goods/8812", "加入購物車", True),
        ("/itm/strong-harness/1234", "Add to cart", True),
        ("/index.php?main_page=product_info&products_id=385", "Add to Cart", True),
        ("/catalog.php?pid=77", "In den Warenkorb", True),
        # a listing of four products without an address that says product
        ("/catalog/bags/", "Dodaj do koszyka", False),
        ("/deals?page=2", "Add to cart", False),
        ("/index.php?main_page=index&cPath=3", "Add to Cart", False),
    ],
)
def test_product_addresses_with_several_buy_buttons(
    rules: RuleSet, path: str, text: str, product: bool
) -> None:
    url = BASE + path
    page = Page(
        url=url, requested_url=url, status=200, depth=1, title="T", elements=buy_buttons(4, text)
    )
    kinds = {f.kind for f in classify_page(page, rules)}
    assert "add_to_cart" in kinds
    assert ("product_page" in kinds) is product


def element_kinds(rules: RuleSet, element: Element) -> set[str]:
    url = BASE + "/p/77"
    page = Page(url=url, requested_url=url, status=200, depth=1, title="T", elements=[element])
    return {f.kind for f in classify_page(page, rules) if f.target == "element"}


@pytest.mark.parametrize(
    ("text", "attrs", "href", "kinds"),
    [
        # a shop's own word on a link whose id or class says it adds the product
        (
            "Je fonce",
            {"id": "add-product", "class": "btn btn--prin add-product"},
            "/p/77#",
            {"add_to_cart"},
        ),
        ("Go", {"class": "btn add_product"}, "", {"add_to_cart"}),
        # "buy at once" in traditional and simplified Chinese
        ("馬上購買", {"class": "button button-org"}, "/p/77?buy=1", {"add_to_cart"}),
        ("马上购买", {}, "", {"add_to_cart"}),
        # near misses: a price comparison's "where to buy", a class that only mentions products
        ("Где купить?", {"class": "prod-nav__it"}, "/p/77/shops", set()),
        ("Details", {"class": "product-card add-product-info"}, "/p/78", set()),
    ],
)
def test_buy_controls_named_by_their_shop(
    rules: RuleSet, text: str, attrs: dict[str, str], href: str, kinds: set[str]
) -> None:
    element = Element(
        tag="a" if href else "button",
        text=text,
        attrs=attrs,
        href=BASE + href if href else "",
        visible=True,
        selector="#c",
        snippet=f"<a>{text}",
    )
    assert element_kinds(rules, element) == kinds
