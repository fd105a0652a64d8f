"""Near misses seen on real pages, each beside the real find it must not lose: the words and
addresses that name a kind on one site and something else on another (a shop's "Tote Bag", a
WebSphere shop's /webapp/wcs/stores/ addresses, Italian "Offerte", "Meal plans")."""

from __future__ import annotations

import pytest

from scanner.analysis.classify import classify_page
from scanner.analysis.rules import RuleSet
from scanner.models import Element, Form, FormField, Frame, Page

BASE = "https://shop.test"


def control(text: str, href: str = "", tag: str = "a", **attrs: str) -> Element:
    recorded = dict(attrs)
    if tag == "a":
        recorded.setdefault("href", href)
    return Element(
        tag=tag,
        text=text,
        href=(href if href.startswith(("http", "javascript:")) else BASE + href) if href else "",
        attrs=recorded,
        visible=True,
        selector="#it",
        snippet=f"<{tag}>{text}",
    )


def kinds_of(rules: RuleSet, element: Element, url: str = BASE + "/page") -> set[str]:
    page = Page(url=url, requested_url=url, status=200, depth=1, title="Page", elements=[element])
    return {f.kind for f in classify_page(page, rules) if f.selector == "#it"}


def frame_kinds(rules: RuleSet, src: str) -> set[str]:
    page = Page(
        url=BASE + "/",
        requested_url=BASE + "/",
        status=200,
        depth=0,
        frames=[Frame(tag="script", src=src, selector="#it")],
    )
    return {f.kind for f in classify_page(page, rules)}


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Store locator", "/store-locator/landing.do"),
        ("Nos magasins", "/fr/magasins"),
        ("Filialen", "/store-finder"),
        ("Tiendas", "/es/tiendas/"),
        ("Stores", "/stores/"),
        ("Contact", "/negozi.html"),
        ("Dónde Estamos", "/donde-estamos"),
        ("Besök oss", "/besoka_oss"),
        ("Lojas", "/loja-mobly"),
    ],
)
def test_store_locator_links(rules: RuleSet, text: str, href: str) -> None:
    assert "store_locator" in kinds_of(rules, control(text, href))


@pytest.mark.parametrize(
    ("text", "href"),
    [
        # WebSphere Commerce serves every page under /webapp/wcs/stores/servlet/
        ("Bestsellers", "/webapp/wcs/stores/servlet/CategoryDisplay?storeId=10001"),
        # a brand's shop window on a marketplace
        ("Visita lo Store di Retevis", "/stores/Retevis/page/9C4B?ref_=ast_bln"),
        ("Events", "/stores/events.aspx"),
        ("Serviceleistungen", "/service/filialen"),
        # the attribution link under every embedded map
        ("OpenStreetMap", "https://www.openstreetmap.org/copyright"),
        ("Besök oss på Instagram", "https://www.instagram.com/butiken/"),
        ("Alle butikker", "/butikker"),  # every merchant of a cashback site
    ],
)
def test_store_words_inside_other_addresses_are_no_store_locator(
    rules: RuleSet, text: str, href: str
) -> None:
    assert "store_locator" not in kinds_of(rules, control(text, href))


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Pricing", "/features"),
        ("Pricing info", "/help/"),
        ("Plans & Pricing", "/join/"),
        ("Precios y planes", "/empresas"),
        ("Prix et abonnements", "/abonnement"),
        ("Prices", "/offer"),
        ("See prices", "/offer"),
        ("Siehe Preise", "/angebot"),
        ("Preise ansehen", "/angebot"),
        ("Nos tarifs", "/offre"),
        ("Ver precios", "/oferta"),
        ("Prezzi", "/listino"),
        ("Bekijk prijzen", "/aanbod"),
        ("Tarifas", "/oferta"),
        ("Contests", "/de/preisgestaltung/"),
        ("Cennik", "/oferta"),
        ("KAINOS", "/lt/kainos/"),
        ("料金", "/help/yahoo/guide/fees"),
    ],
)
def test_pricing_links(rules: RuleSet, text: str, href: str) -> None:
    assert "pricing_link" in kinds_of(rules, control(text, href))


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Meal Plans", "/blog/nutrition/meal-plans"),
        ("Cars, Trains and Planes", "/c-22-cars-trains-and-planes.aspx"),
        ("Baisse de prix", "/jeux/produits-en-baisse.html"),
        ("Bons plans", "/bons-plans/"),
        ("Offres spéciales", "/promotions"),
        ("Les offres d'emploi", "/emploi.htm"),
        ("Local Gas Prices", "/local-gas-prices/"),
        ("garantiert günstige Preise", "/kundenvorteile"),
        ("Preços baixos", "/sapato-preco-baixo.php"),
        ("Plans d'instruments", "/fr/15-plans-d-instruments"),
        # a price comparison's tracked way out to a merchant
        ("See Prices", "/l.php?k=Usha-Bloom-Promise&s=amazon"),
        ("Zu den Preisen", "/out?offer=123"),
    ],
)
def test_pricing_words_inside_longer_labels_are_no_pricing_link(
    rules: RuleSet, text: str, href: str
) -> None:
    assert "pricing_link" not in kinds_of(rules, control(text, href))


def test_a_pricing_link_to_a_place_on_its_own_page_is_an_anchor(rules: RuleSet) -> None:
    url = BASE + "/pricing"
    assert "pricing_link" not in kinds_of(rules, control("Pricing", url + "#plans"), url)
    assert "pricing_link" in kinds_of(rules, control("Pricing", BASE + "/#pricing"), url)


@pytest.mark.parametrize(
    ("text", "href", "kind", "found"),
    [
        ("Get a free quote", "/contact", "quote_request", True),
        ("Vraag een offerte aan", "/contact", "quote_request", True),
        ("Gratis offerte", "/contact", "quote_request", True),
        ("Quote", "/quote/", "quote_request", True),
        ("Kontaktiere uns für ein Angebot", "mailto:sales@site.test", "quote_request", True),
        ("Contact us for a quote", "mailto:sales@site.test", "quote_request", True),
        ("Contactez-nous pour un devis", "/contact", "quote_request", True),
        ("Offerte", "/gp/goldbox", "quote_request", False),  # Italian: deals
        ("Outlet e offerte", "/outlet", "quote_request", False),
        ("Livraison offerte dès 49 €", "/page/livraison.html", "quote_request", False),
        ("HD", "/quote?stockTicker=HD", "quote_request", False),  # a stock quote
        ("Offerte aanvragen", "/nl/offerte-aanvragen", "quote_request", True),
        ("Saldi", "/offerte", "quote_request", False),  # Italian: a shop's deals
    ],
)
def test_quote_requests(rules: RuleSet, text: str, href: str, kind: str, found: bool) -> None:
    assert (kind in kinds_of(rules, control(text, href))) is found


@pytest.mark.parametrize(
    ("element", "found"),
    [
        (control("Add to Wishlist", "/wishlist/add/?product_id=3"), True),
        (control("Merken", tag="button"), True),
        (control("Favoritos", "javascript:void(0)"), True),
        (control("Add to Watch list", "/myb/WatchListAdd?item=1"), True),
        (control("", tag="button", onclick="wishlist.add('98');"), True),
        (control("lisää toivelistalle", tag="button"), True),
        (control("Добавить в избранное", "#", onclick="return add_favorite(this);"), False),
        (control("Os meus Favoritos", tag="span"), False),  # the visitor's list
        (control("My Wishlist", tag="button"), False),
        (control("Sort by: favourites", "javascript:void(0)"), False),
        (control("Page en favoris", "javascript:MiseEnFavoris('a', 'b')"), False),
        (control("Ajouter aux favoris", "javascript:bookmarksite('Site', 'http://x')"), False),
        (
            control(
                "Hand-picked favourites: for over 25 years we have chosen what you love",
                "javascript:void(0)",
            ),
            False,
        ),
    ],
)
def test_wishlist_controls(rules: RuleSet, element: Element, found: bool) -> None:
    assert ("add_to_wishlist" in kinds_of(rules, element)) is found


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("View Cart", "/shoppingcart.aspx"),
        ("Cart (2)", "/c"),
        ("Cart(2) Items", "/c"),
        ("Basket £12.50", "/b"),
        ("My bag", "/b"),
        ("Zum Warenkorb", "/"),
        ("Mon panier (2)", "/fr/commande"),
        ("Mi cesta", "/c"),
        ("Корзина", "/personal/"),
        ("Krepšelis", "/mano-krepselis-1/"),
        ("O meu cesto", "/cesto.php"),
        ("0 articles dans le panier", "/gp/cart/view.html"),
    ],
)
def test_cart_links(rules: RuleSet, text: str, href: str) -> None:
    kinds = kinds_of(rules, control(text, href))
    assert "view_cart" in kinds and "begin_checkout" not in kinds


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Canvas Tote Bag & Messenger Bags", "/philosophy_shop/99"),
        ("Mixed Bag", "/community/forums/mixed-bag/1"),
        ("Bag Accessories", "/wholesale-bag-accessories/1.html"),
        ("Pony Cart Harness", "javascript:;"),
        ("Zen Cart", "https://www.zen-cart.com/"),
        ("Cart Help", "/help.aspx"),
        ("AmazonBasics Panier de transport pour petits animaux", "/dp/B07"),
        ("CAT Travel Power Trolley Set", "/cat-travel-trolley-set"),
        ("Sådan: to personer sendte røver bag tremmer", "/artikler/1"),
        ("Buy", "/cart/?i[0]=123&q[0]=1"),
    ],
)
def test_cart_words_in_product_names_are_no_cart_link(rules: RuleSet, text: str, href: str) -> None:
    assert "view_cart" not in kinds_of(rules, control(text, href))


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Checkout", "/checkout/"),
        ("Commander", "/fr/commande"),
        ("Zur Kasse", "/kasse"),
        ("Kasse", "/k"),
        ("View cart & checkout", "/checkout/cart/"),
        ("Finir la commande", ""),
        ("Bestellung abschließen", ""),
        ("Concludi l'ordine", ""),
        ("Weiter zu PayPal", ""),
        ("Zur Zahlung", ""),
        ("Continuer vers le paiement", ""),
    ],
)
def test_checkout_controls(rules: RuleSet, text: str, href: str) -> None:
    assert "begin_checkout" in kinds_of(rules, control(text, href))


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Complete Commander", "/pages/completecommander/"),  # a card-game format
        ("Block Commander!", "/article/31_Block-Commander.html"),
        ("Infos zur Kasse und Zahlung", "/infocenter/section/kasse-info"),
    ],
)
def test_checkout_words_in_other_labels(rules: RuleSet, text: str, href: str) -> None:
    assert "begin_checkout" not in kinds_of(rules, control(text, href))


def test_add_several_to_cart_is_an_add_to_cart(rules: RuleSet) -> None:
    assert "add_to_cart" in kinds_of(rules, control("Add both to cart", tag="button"))
    assert "add_to_cart" in kinds_of(rules, control("Add selected items to cart", tag="button"))


@pytest.mark.parametrize(
    ("src", "found"),
    [
        ("https://static.zdassets.com/ekr/snippet.js?key=abc", True),
        ("https://embed.tawk.to/5f00/default", True),
        ("https://cleversite.ru/cleversite/widget_new.php?supercode=1", True),
        ("https://code.jivosite.com/script/widget/abc", True),
        ("https://p13.zdassets.com/hc/assets/jquery-1.js", False),  # a help centre's theme
    ],
)
def test_chat_scripts(rules: RuleSet, src: str, found: bool) -> None:
    assert ("chat_widget" in frame_kinds(rules, src)) is found


@pytest.mark.parametrize(
    ("written", "resolved", "anchor"),
    [
        # a <base href> makes '#plans' resolve to the home page: still a place on this page
        ("#plans", BASE + "/#plans", True),
        ("/pricing#plans", BASE + "/pricing#plans", True),
        ("/#pricing", BASE + "/#pricing", False),  # the home page's pricing section
        ("pricing/index.html#plans", BASE + "/pricing/index.html#plans", True),
        ("/pricing/#plans", BASE + "/pricing/#plans", True),
        ("#/pricing", BASE + "/pricing#/pricing", False),  # a single-page app's route
        ("/pricing", BASE + "/pricing", False),
    ],
)
def test_links_written_as_a_fragment_are_in_page_anchors(
    rules: RuleSet, written: str, resolved: str, anchor: bool
) -> None:
    url = BASE + "/pricing"
    element = control("Pricing", resolved).model_copy(update={"attrs": {"href": written}})
    page = Page(url=url, requested_url=url, status=200, depth=1, title="Plans", elements=[element])
    found = {f.kind for f in classify_page(page, rules) if f.selector == "#it"}
    assert ("pricing_link" not in found) is anchor


@pytest.mark.parametrize(
    ("element", "found"),
    [
        (control("Live Chat", "https://livechat.boldchat.com/aid/1/bc.chat"), True),
        (control("Chatten", "javascript:void(0)"), True),
        (control("", "javascript:void(0)", **{"class": "livechatlink"}), True),
        (control("Discuter", tag="button"), True),
        # a page about chat, or a community's chat room, is no chat widget
        (control("LiveChat", "https://www.livechat.com/"), False),
        (control("Chat", "/chat.html"), False),
        (control("Salles de discussions/Chat rooms", "/chat/index.php"), False),
        (control("Chat etiquette for teams", "/blog/chat-etiquette"), False),
    ],
)
def test_chat_launchers(rules: RuleSet, element: Element, found: bool) -> None:
    assert ("chat_widget" in kinds_of(rules, element)) is found


@pytest.mark.parametrize(
    ("text", "href", "found"),
    [
        ("Start your free trial", "/signup", True),
        ("Kostenlos testen", "/registrieren", True),
        ("Essai gratuit", "/inscription", True),
        ("Prueba gratis", "/registro", True),
        ("Features", "/de/testen/", True),
        ("Try", "/try", True),
        ("Turkish Lira - TRY", "/directory/currency/switch/uenc/aHR0/TRY", False),
        (
            "Premium Trading Program, Three Month Free Trial For The Holidays.",
            "/forum/post/premium-trading-program",
            False,
        ),
    ],
)
def test_free_trial_calls_to_action(rules: RuleSet, text: str, href: str, found: bool) -> None:
    assert ("free_trial" in kinds_of(rules, control(text, href))) is found


@pytest.mark.parametrize(
    ("text", "href", "found"),
    [
        ("Book a demo", "/demo", True),
        ("Request a free demo", "/contact", True),
        ("Demo anfordern", "/kontakt", True),
        ("Demander une démo", "/contact", True),
        ("Solicitar demo", "/contacto", True),
        ("Get started", "/request-demo", True),
        # a theme's live preview, a video, a sandbox: a demo to look at
        ("Live Demo", "https://themes.test/preview/aurora", False),
        ("View demo", "/demo", False),
        ("Watch the demo video", "/videos/tour", False),
        ("Voir la démo", "/demo", False),
        ("Demo site", "/demo", False),
    ],
)
def test_demo_requests(rules: RuleSet, text: str, href: str, found: bool) -> None:
    assert ("demo_request" in kinds_of(rules, control(text, href))) is found


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Réserver", "https://www.fresha.com/a/salon-paris-1a2b"),
        ("Termin", "https://www.treatwell.de/ort/salon/"),
        ("Services", "https://salon.test/book-online"),
        ("Colour & cut", "https://salon.test/service-page/colour-cut"),
        ("Book now", "/contact"),
        ("Boka samtal på ditt språk", "/kontakt"),
        ("Billetterie", "/billetterie"),
        ("Book tickets", "/events/spring-gala"),
        ("Rezervovat", "/rezervace"),
        ("Objednat se", "/objednavka"),
    ],
)
def test_bookings(rules: RuleSet, text: str, href: str) -> None:
    assert "booking" in kinds_of(rules, control(text, href))


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Our book of the month", "/blog/book-online-shopping"),
        ("Online book shop", "/books/online"),
        ("Submit a ticket", "/support/tickets/new"),
        ("Tickets", "/support/tickets"),
        ("Bestill nå", "/produkt/ullgenser"),  # Norwegian "order now", a shop's buy button
        ("Karten kaufen", "/grusskarten"),  # greeting cards
        ("Buy Tickets", "http://seatgeek.com/houston-texas-sports-tickets"),  # a news menu
        # an event's ticket office written out in a news item, not a call to action
        (
            "http://www.reptile-day.fr/fr/billetterie.html",
            "http://www.reptile-day.fr/fr/billetterie.html",
        ),
    ],
)
def test_no_bookings(rules: RuleSet, text: str, href: str) -> None:
    assert "booking" not in kinds_of(rules, control(text, href))


def test_another_products_trial_on_an_affiliate_banner_is_no_free_trial(rules: RuleSet) -> None:
    banner = control("Start your free trial", "https://lessons.example.org/?aff=JPostIcon")
    own = control("Start your free trial", "https://app.shop.test/signup?ref=home")
    assert "free_trial" not in kinds_of(rules, banner)
    assert "free_trial" in kinds_of(rules, own)


@pytest.mark.parametrize(
    "element",
    [
        # a review's affiliate link to a store
        control("Buy now Amazon.com", "https://www.amazon.com/dp/B07?tag=reviews-20"),
        # a wishlist link whose script borrows the cart form
        control(
            "Merken",
            "#",
            onclick="productAddToCartForm.submitLight(this, '/wishlist/index/add/product/1/')",
        ),
    ],
)
def test_controls_that_put_nothing_in_the_cart(rules: RuleSet, element: Element) -> None:
    assert "add_to_cart" not in kinds_of(rules, element)


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("Add to Cart", "/wishlist/index/cart/item/5/"),  # from the wishlist into the cart
        ("Buy now", "/products/mug?tag=sale"),  # the shop's own tag, no affiliate
    ],
)
def test_controls_that_do_put_a_product_in_the_cart(rules: RuleSet, text: str, href: str) -> None:
    assert "add_to_cart" in kinds_of(rules, control(text, href))


def test_a_headline_that_opens_with_checkout_is_no_checkout(rules: RuleSet) -> None:
    kinds = kinds_of(rules, control("Checkout our new summer collection here", "/summer"))
    assert "begin_checkout" not in kinds


def test_a_page_wide_form_does_not_hide_the_links_it_wraps(rules: RuleSet) -> None:
    """ASP.NET (and many an old shop) wraps the whole page in one form: the cart link of its
    header is the site's cart, while the same link inside a small form is that form's control."""

    def cart_kinds(links_beside: int) -> set[str]:
        inside = {"form": 0}
        elements = [control("View Cart", "/cart.aspx").model_copy(update=inside)] + [
            control(f"Category {n}", f"/c/{n}/").model_copy(update={**inside, "selector": f"#c{n}"})
            for n in range(links_beside)
        ]
        url = BASE + "/default.aspx"
        page = Page(
            url=url,
            requested_url=url,
            status=200,
            depth=0,
            forms=[Form(selector="#aspnetForm", fields=[FormField(tag="input", type="hidden")])],
            elements=elements,
        )
        return {f.kind for f in classify_page(page, rules) if f.selector == "#it"}

    assert cart_kinds(40) == {"view_cart"}
    assert cart_kinds(3) == set()
