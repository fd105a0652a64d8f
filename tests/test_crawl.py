"""The crawler on real (local) sites: scope, robots.txt, sitemaps, sampling, redirects, errors,
parallel loading and determinism."""

from __future__ import annotations

import pytest

from scanner.analysis import analyze
from scanner.analysis.rules import RuleSet
from scanner.crawl import CrawlOptions, crawl
from scanner.models import AnalysisOptions, Site
from scanner.serve import serve_directory
from tests.conftest import FIXTURES
from tests.sites import Route, gzipped, page, serve

pytestmark = pytest.mark.browser


def run(url: str, **options: object) -> Site:
    return crawl([url], CrawlOptions(**options)).site  # type: ignore[arg-type]


def paths(site: Site, base: str) -> list[str]:
    return [p.url.removeprefix(base) for p in site.pages]


def crawled_alone(body: str) -> tuple[str, Site]:
    """A page of `body` in its <main>, crawled alone: the site's address and record."""
    with serve({"/": Route(f"<!doctype html><title>t</title><main>{body}</main>")}) as (base, _):
        return base, run(base + "/", depth=0)


def reasons(site: Site, base: str) -> dict[str, str]:
    return {s.url.removeprefix(base): s.reason for s in site.coverage.skipped}


def test_addresses_are_normalised_and_deduplicated() -> None:
    with serve(
        {
            "/": page(
                "/a?utm_source=news&utm_medium=mail",
                "/a#reviews",
                "/a",
                "/b?y=2&x=1",
                "/b?x=1&y=2&gclid=abc",
                "/b?x=1&y=2",
            ),
            "/a": page(),
            "/b": page(),
        }
    ) as (base, server):
        site = run(base + "/", depth=1)
    assert paths(site, base) == ["/", "/a", "/b?x=1&y=2"]
    assert server.hits["/a"] == 1 and server.hits["/b"] == 1


def test_robots_txt_is_obeyed_with_its_crawl_delay_and_sitemaps() -> None:
    robots = "User-agent: *\nDisallow: /private\nCrawl-delay: 0.2\nSitemap: {base}/index.xml\n"
    routes = {
        "/": page("/a", "/private/report"),
        "/a": page(),
        "/private/report": page(),
        "/only-in-sitemap": page(),
    }
    with serve(routes) as (base, server):
        routes["/robots.txt"] = Route(robots.format(base=base), content_type="text/plain")
        routes["/index.xml"] = Route(
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/pages.xml.gz</loc></sitemap></sitemapindex>",
            content_type="application/xml",
        )
        routes["/pages.xml.gz"] = gzipped(
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/only-in-sitemap</loc></url></urlset>"
        )
        site = run(base + "/", depth=1, concurrency=4)
        most_in_flight = server.most_in_flight
        ignoring = run(base + "/", depth=1, ignore_robots=True)
    assert paths(site, base) == ["/", "/a", "/only-in-sitemap"]
    assert reasons(site, base)["/private/report"] == "disallowed by robots.txt"
    (report,) = site.coverage.robots
    assert report.found and report.crawl_delay == 0.2 and report.sitemaps == [f"{base}/index.xml"]
    assert site.coverage.sitemap_pages == 1
    assert most_in_flight == 1  # a Crawl-delay means one request at a time
    assert "/private/report" in paths(ignoring, base) and ignoring.coverage.ignore_robots


def test_a_start_page_disallowed_by_robots_is_an_error_that_says_what_to_do() -> None:
    routes = {"/": page()}
    with serve(routes) as (base, _):
        routes["/robots.txt"] = Route("User-agent: *\nDisallow: /\n", content_type="text/plain")
        site = run(base + "/")
    assert site.pages == []
    assert "--ignore-robots" in site.errors[0].error


def test_templates_are_sampled_and_intent_pages_come_first() -> None:
    products = [f"/products/item-{n}" for n in range(10)]
    routes = {"/": page(*products, "/about", "/pricing"), "/about": page(), "/pricing": page()}
    routes.update({p: page() for p in products})
    with serve(routes) as (base, _):
        sampled = run(base + "/", depth=1, sample_per_template=3, max_pages=50)
        everything = run(base + "/", depth=1, sample_per_template=0, max_pages=50)
        budget = run(base + "/", depth=1, sample_per_template=0, max_pages=3)
    assert paths(sampled, base) == ["/", "/about", "/pricing", *products[:3]]
    coverage = {t.template.split("/", 1)[1]: t for t in sampled.coverage.templates}
    assert (coverage["products/<slug>"].found, coverage["products/<slug>"].crawled) == (10, 3)
    assert "sampled (3 pages)" in reasons(sampled, base)["/products/item-9"]
    assert len(everything.pages) == 13
    # with 2 pages left after the home page, product and pricing pages (intent) go first
    assert paths(budget, base) == ["/", "/pricing", "/products/item-0"]


def test_a_calendar_trap_is_contained_by_sampling() -> None:
    routes = {f"/calendar?month={n}": page(f"/calendar?month={n + 1}") for n in range(200)}
    routes["/"] = page("/calendar?month=0")
    with serve(routes) as (base, _):
        site = run(base + "/", depth=100, max_pages=100)
    assert len(site.pages) == 4  # the home page and 3 months


def test_redirects_are_followed_and_recorded_but_not_off_the_site() -> None:
    routes = {
        "/": page("/old", "/away"),
        "/new": page(),
        "/elsewhere": page(),
        "/old": Route(status=301, location="/new"),
    }
    with serve(routes) as (base, _):
        # localhost is another site than 127.0.0.1, on this same machine
        other_site = base.replace("127.0.0.1", "localhost")
        routes["/away"] = Route(status=302, location=f"{other_site}/elsewhere")
        site = run(base + "/", depth=1)
    new = next(p for p in site.pages if p.url.endswith("/new"))
    assert new.requested_url == base + "/old" and new.redirects == [base + "/old"]
    assert any("redirects off the site" in e.error for e in site.errors)
    assert not any("localhost" in p.url for p in site.pages)


def test_error_pages_are_recorded_and_transient_ones_retried() -> None:
    with serve(
        {
            "/": page("/broken", "/missing", "/feed", "/guide.pdf"),
            "/broken": Route("oops", status=503),
            "/feed": Route("{}", content_type="application/json"),
        }
    ) as (base, server):
        site = run(base + "/", depth=1, retries=2)
    errors = {e.url.removeprefix(base): e.error for e in site.errors}
    assert "HTTP 503" in errors["/broken"] and server.hits["/broken"] == 3
    assert "HTTP 404" in errors["/missing"] and server.hits["/missing"] == 1
    assert "not an HTML page" in errors["/feed"]
    assert reasons(site, base)["/guide.pdf"] == "a file, not a page"


def test_a_slow_page_times_out_without_stopping_the_crawl() -> None:
    with serve(
        {"/": page("/slow", "/fast"), "/fast": page(), "/slow": Route("<p>late</p>", delay=3)}
    ) as (base, _):
        site = run(base + "/", depth=1, timeout_ms=1000, retries=0)
    assert paths(site, base) == ["/", "/fast"]
    assert "did not finish loading within 1 s" in site.errors[0].error


def test_include_and_exclude_patterns() -> None:
    with serve(
        {
            "/": page("/shop/a", "/blog/b", "/shop/admin"),
            "/shop/a": page(),
            "/blog/b": page(),
            "/shop/admin": page(),
        }
    ) as (base, _):
        site = run(base + "/", depth=1, include=("/shop/",), exclude=("admin",))
    assert paths(site, base) == ["/", "/shop/a"]
    assert reasons(site, base) == {
        "/blog/b": "not matched by --include",
        "/shop/admin": "matched by --exclude",
    }


def test_pages_load_in_parallel_and_the_record_does_not_depend_on_timing() -> None:
    links = [f"/p{n}" for n in range(8)]
    routes = {
        "/": page(*links),
        **{link: Route(f"<a href='/'>{link}</a>", delay=0.3) for link in links},
    }
    with serve(routes) as (base, server):
        first = run(base + "/", depth=1, concurrency=4, sample_per_template=0)
        second = run(base + "/", depth=1, concurrency=4, sample_per_template=0)
    assert server.most_in_flight >= 2
    assert first.model_dump_json() == second.model_dump_json()
    assert len(first.pages) == 9


def test_existing_tracking_is_inventoried_and_no_analytics_hit_is_sent() -> None:
    with serve_directory(FIXTURES / "kinds") as base:
        site = run(base + "tracking.html", depth=0, block_third_party=True)
    tracking = site.pages[0].tracking
    assert tracking.gtm == ["GTM-AB12CD3"]
    assert tracking.ga4 == ["G-TEST123456"]
    assert tracking.google_ads == ["AW-123456789"]
    assert tracking.meta_pixel == ["123456789012345"]
    assert tracking.vendors == ["Google Tag Manager", "Hotjar"]
    assert tracking.blocked_hits == ["www.google-analytics.com/g/collect"]
    assert tracking.hit_events == ["ga4:form_start", "ga4:page_view", "ga4:phone_click"]
    assert any('"pageType":"landing"' in entry for entry in tracking.datalayer)


@pytest.mark.parametrize(
    ("mode", "clicked"), [("accept", "Alle akzeptieren"), ("reject", "Alle ablehnen"), ("none", "")]
)
def test_consent_banners_are_dismissed_as_asked_and_the_click_recorded(
    mode: str, clicked: str
) -> None:
    with serve_directory(FIXTURES / "kinds") as base:
        site = run(base + "consent.html", depth=0, consent=mode)
    page = site.pages[0]
    assert page.consent == (f"{mode}: {clicked}" if clicked else "")
    whatsapp = [e for e in page.elements if e.href.startswith("https://wa.me/")]
    assert whatsapp[0].visible == (mode == "accept")  # content shown only after accepting


def test_bot_challenges_are_reported_and_not_classified() -> None:
    challenge = Route(
        '<title>Just a moment...</title><p>Checking your browser</p><a href="tel:+1555">call</a>',
        status=403,
    )
    with serve({"/": page("/shop"), "/shop": challenge}) as (base, _):
        site = run(base + "/", depth=1)
    (blocked,) = [p for p in site.pages if p.obstacle]
    assert blocked.url.endswith("/shop") and blocked.obstacle.startswith("bot challenge")


def test_a_resumed_crawl_ends_where_an_uninterrupted_one_does() -> None:
    links = [f"/p{n}" for n in range(6)]
    routes = {
        "/": page(*links),
        **{link: page(f"{link}/child") for link in links},
        **{f"{link}/child": page() for link in links},
    }
    with serve(routes) as (base, server):
        whole = run(base + "/", depth=2, max_pages=9, sample_per_template=0)
        first = run(base + "/", depth=2, max_pages=4, sample_per_template=0)
        before = server.hits.copy()
        resumed = crawl(
            [base + "/"], CrawlOptions(depth=2, max_pages=9, sample_per_template=0), resume=first
        ).site
        after = server.hits.copy()
    assert [p.url for p in resumed.pages] == [p.url for p in whole.pages]
    for kept in first.pages:  # the pages of the first run were not loaded again
        path = kept.requested_url.removeprefix(base)
        assert after[path] == before[path], path


def test_a_resumed_crawl_goes_on_past_the_levels_it_already_has() -> None:
    chain = {"/": page("/1"), **{f"/{n}": page(f"/{n + 1}") for n in range(1, 8)}}
    with serve(chain) as (base, _):
        options = CrawlOptions(depth=5, sample_per_template=0)
        shallow = run(base + "/", depth=2)  # as if stopped after its third level
        resumed = crawl([base + "/"], options, resume=shallow).site
        whole = crawl([base + "/"], options).site
        again = crawl([base + "/"], options, resume=whole).site
    assert len(shallow.pages) == 3
    assert [p.url for p in resumed.pages] == [p.url for p in whole.pages]
    assert len(whole.pages) == 6
    assert again.coverage == whole.coverage  # resuming a finished crawl changes nothing


def test_single_page_apps_links_made_by_scripts_hash_routes_and_shadow_roots() -> None:
    with serve_directory(FIXTURES / "kinds") as base:
        site = run(base + "app.html", depth=1)
    urls = [p.url.removeprefix(base) for p in site.pages]
    assert urls == ["app.html", "app.html#/contact", "app.html#/pricing"]
    contact = site.pages[1]
    assert any(e.href == "tel:+15550100" for e in contact.elements)
    buy = next(e for e in site.pages[0].elements if e.text == "Add to cart")
    assert buy.selector == "#buy"  # the shadow host: where GTM sees the click


def test_same_origin_iframes_are_read_and_planned_as_frames(rules: RuleSet) -> None:
    with serve_directory(FIXTURES / "kinds") as base:
        site = run(base + "framed.html", depth=0)
    page = site.pages[0]
    form = next(f for f in page.forms if f.landmark == "iframe")
    assert form.selector == "#contact-frame"
    analysis = analyze(site, AnalysisOptions(), rules)
    lead = next(e for e in analysis.plan.events if e.kind == "contact_form")
    assert lead.trigger.type == "custom_event" and lead.selectors == ["#contact-frame"]


def test_a_page_that_replaces_its_timers_is_still_recorded() -> None:
    with serve_directory(FIXTURES / "kinds") as base:
        site = run(base + "patched-timers.html", depth=0)
    assert site.errors == [] and site.pages[0].title == "A page that replaces its timers"


def test_a_redirect_chain_is_recorded_hop_by_hop() -> None:
    with serve(
        {
            "/": page("/a"),
            "/a": Route(status=301, location="/b"),
            "/b": Route(status=302, location="/c"),
            "/c": page(),
        }
    ) as (base, _):
        site = run(base + "/", depth=1)
    final = next(p for p in site.pages if p.url.endswith("/c"))
    assert final.redirects == [base + "/a", base + "/b"]


def test_other_hosts_are_crawled_only_when_allowed() -> None:
    routes = {"/": page(), "/elsewhere": page()}
    with serve(routes) as (base, _):
        other = base.replace("127.0.0.1", "localhost")  # another site, on this machine
        routes["/"] = page(f"{other}/elsewhere")
        alone = run(base + "/", depth=1)
        allowed = run(base + "/", depth=1, allowed_hosts=("localhost",))
    assert [p.url for p in alone.pages] == [base + "/"]
    assert [p.url for p in allowed.pages] == [base + "/", f"{other}/elsewhere"]


def test_a_page_that_replaced_built_ins_is_read_with_untouched_ones() -> None:
    """The collector runs in an isolated world; the dataLayer is read in the page's own."""
    with serve_directory(FIXTURES / "kinds") as base:
        site = run(base + "patched-builtins.html", depth=0)
    (page,) = site.pages
    assert [e.text for e in page.elements] == ["Add to cart", "Call us: +1 555 0142"]
    assert page.tracking.datalayer == ['{"event":"page_ready","pageType":"product"}']


def test_fields_named_like_dom_methods_do_not_cost_the_page() -> None:
    """A form's field named getAttribute or tagName, or a form named querySelectorAll, stands in
    for the DOM's own member of that name (named access): the page is read all the same."""
    body = (
        '<form name="querySelectorAll" action="/find"><input type="search" name="q">'
        '<button type="submit">Search</button></form>'
        '<nav><form id="login" action="/login" method="post"><input name="getAttribute">'
        '<input name="tagName"><input name="parentElement"><input name="attributes">'
        '<input type="password" name="querySelector"><button type="submit">Log in</button>'
        '</form></nav><a href="/cart">Cart</a>'
    )
    base, site = crawled_alone(body)
    (page,) = site.pages
    assert [(f.selector, f.action, f.method, len(f.fields)) for f in page.forms] == [
        ('form[name="querySelectorAll"]', base + "/find", "get", 1),
        ("#login", base + "/login", "post", 5),
    ]
    assert page.forms[1].landmark == "nav" and page.forms[1].submit_text == "Log in"
    assert [(e.text, e.form, e.landmark) for e in page.elements] == [
        ("Search", 0, "main"),
        ("Log in", 1, "nav"),
        ("Cart", -1, "main"),
    ]


def test_a_box_no_form_holds_is_its_field_and_the_nearest_button_of_no_form() -> None:
    """A box is recorded under its button; never a form's button, nor one in a busy header."""
    rows = "".join(f'<tr><td><input type="email" name="e{n}"></td></tr>' for n in range(300))
    body = (
        '<aside><input type="email" placeholder="Your e-mail">'
        '<button type="button" class="js-subscribe">Subscribe</button></aside>'
        '<div class="wrap"><div><input type="email" placeholder="E-mail for news"></div>'
        '<form id="login" action="/login"><input name="user"><input type="password" name="pw">'
        '<button type="submit" class="login-btn">Log in</button></form></div>'
        '<header><div class="bar"><div><input type="search" name="q"></div>'
        '<nav><a href="/a">A</a><a href="/b">B</a><a href="/c">C</a><a href="/d">D</a>'
        '<a href="/e">E</a><a href="/f">F</a><button class="add-to-cart">Add to cart</button>'
        f"</nav></div></header><table>{rows}</table><button>Save</button>"
    )
    base, site = crawled_alone(body)
    (page,) = site.pages
    boxes = [
        (f.selector, f.submit_text, [x.type for x in f.fields]) for f in page.forms if f.formless
    ]
    assert boxes == [("button.js-subscribe", "Subscribe", ["email"])]
    form_of = {e.selector: e.form for e in page.elements}
    assert form_of["button.js-subscribe"] == 1 and form_of["button.login-btn"] == 0
    assert form_of["button.add-to-cart"] == -1
    assert site.coverage.cuts == [f"{base}/: boxes: 303 found, the first 100 kept"]


def test_a_control_only_a_script_makes_clickable_is_where_the_pointer_cursor_begins() -> None:
    """An anchor without href, or a box of no more than a label where the cursor turns to a
    pointer; not the boxes inside it, around a control, or of a paragraph; 300 at most."""
    pointer = 'style="cursor: pointer"'
    tiles = "".join(f'<div class="t" {pointer}>Tile {n}</div>' for n in range(310))
    body = (
        f'<div data-testid="addToWishlist" {pointer}><svg width="9" height="9"></svg>'
        f'<span class="count">0</span></div><a class="fav" title="Favourite"><i>♡</i></a>'
        f'<div class="wrap" {pointer}><a href="/cart">Cart</a></div>'
        f"<p><span {pointer}>{'A long paragraph of text. ' * 5}</span></p>{tiles}"
    )
    base, site = crawled_alone(body)
    (page,) = site.pages
    scripted = [e.selector for e in page.elements if e.tag != "a" or not e.href]
    assert scripted[:2] == ['div[data-testid="addToWishlist"]', "a.fav"]
    assert len(scripted) == 300 and not any("count" in s or "wrap" in s for s in scripted)
    assert [e.href for e in page.elements if e.selector == "a.fav"] == [""]
    assert site.coverage.cuts == [f"{base}/: scripted: more than 300 found, the first 300 kept"]


def test_a_scripted_control_is_named_and_the_scan_for_them_is_bounded() -> None:
    """A named anchor is a target, not a control, unless the pointer begins on it; an empty icon
    counts when a class, an alt or a title names it; past 50,000 boxes the scan stops, and the
    record says so."""
    pointer = 'style="cursor: pointer"'
    body = (
        f'<h2><a name="shipping">Shipping</a></h2><a name="top" {pointer}>Top</a>'
        f'<i class="icon-heart" {pointer}></i><i {pointer}></i>'
        f'<img src="data:," alt="Zur Wunschliste" width="16" height="16" {pointer}>'
        f'{"<div></div>" * 50000}<div class="late" {pointer}>Late tile</div>'
    )
    base, site = crawled_alone(body)
    (page,) = site.pages
    assert [(e.tag, e.text) for e in page.elements] == [
        ("a", "Top"),
        ("i", ""),
        ("img", "Zur Wunschliste"),
    ]
    assert site.coverage.cuts == [
        f"{base}/: scripted: more than 50000 boxes, the first 50000 examined"
    ]


def test_clock_values_in_the_datalayer_are_not_recorded() -> None:
    """Two scans of one site record the same dataLayer, whatever the time."""
    script = (
        "<script>window.dataLayer = [{'gtm.start': Date.now(), event: 'gtm.js'}];"
        "dataLayer.push({0: 'js', 1: new Date()});</script><p>hello</p>"
    )
    with serve({"/": Route(script)}) as (base, _):
        first = run(base + "/", depth=0)
        second = run(base + "/", depth=0)
    assert first.pages[0].tracking.datalayer == [
        '{"gtm.start":"(time)","event":"gtm.js"}',
        '{"0":"js","1":"(time)"}',
    ]
    assert first.model_dump_json() == second.model_dump_json()


def test_links_that_change_state_are_never_followed() -> None:
    """On a live shop they would fill or empty the cart, or log the crawl out."""
    risky = [
        "/shop/?add-to-cart=12",
        "/cart/?remove_item=abc&_wpnonce=1",
        "/cart/add?id=3",
        "/checkout/cart/delete/id/7/",
        "/catalog/product_compare/add/product/24/",
        "/wishlist/index/add/product/19/",
        "/account/logout",
        "/wp-login.php?action=logout",
    ]
    routes = {"/": page("/about", *risky), "/about": page()}
    routes.update({link.split("?")[0]: page() for link in risky})
    with serve(routes) as (base, server):
        site = run(base + "/", depth=1)
    assert paths(site, base) == ["/", "/about"]
    assert sum(server.hits[link.split("?")[0]] for link in risky) == 0
    refused = [url for url, why in reasons(site, base).items() if "changes state" in why]
    assert len(refused) == len(risky)


def test_every_start_page_is_scanned_whatever_the_page_budget() -> None:
    pages = [f"/p{n}" for n in range(6)]
    with serve({p: page() for p in pages}) as (base, _):
        site = crawl([base + p for p in pages], CrawlOptions(depth=0, max_pages=2)).site
    assert len(site.pages) == 6


def test_robots_txt_is_asked_only_of_hosts_in_scope() -> None:
    routes = {"/": page()}
    with serve(routes) as (base, server):
        other = base.replace("127.0.0.1", "localhost")  # another site, on this machine
        routes["/"] = page(f"{other}/elsewhere")
        run(base + "/", depth=1)
        assert server.hits["/robots.txt"] == 1  # ours; localhost's is the same server: not asked


def test_a_redirect_off_the_site_or_to_a_disallowed_page_is_refused_before_it_loads() -> None:
    routes = {
        "/": page("/away", "/to-private"),
        "/to-private": Route(status=302, location="/private/page"),
        "/private/page": page(),
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
    }
    with serve(routes) as (base, server):
        other_site = base.replace("127.0.0.1", "localhost")  # the same server, another site
        routes["/away"] = Route(status=302, location=f"{other_site}/elsewhere")
        site = run(base + "/", depth=1)
    errors = {error.url.removeprefix(base): error.error for error in site.errors}
    assert "redirects off the site" in errors["/away"]
    assert "disallowed by robots.txt" in errors["/to-private"]
    assert server.hits["/elsewhere"] == 0 and server.hits["/private/page"] == 0


def test_content_a_page_fetches_after_load_is_read_while_its_head_and_styles_churn() -> None:
    churning = """<!doctype html><title>Late</title><main id="main"></main><script>
      setInterval(() => {
        document.head.append(document.createElement("meta"));
        document.body.classList.toggle("pulse");
      }, 20);
      fetch("/data").then((answer) => answer.text()).then((path) => {
        document.getElementById("main").innerHTML = `<a href="${path}">Late offer</a>`;
      });
    </script>"""
    routes = {
        "/": Route(churning),
        "/data": Route("/late-offer", content_type="text/plain", delay=0.6),
    }
    with serve(routes) as (base, _):
        site = run(base + "/", depth=0)
    assert site.errors == []
    assert base + "/late-offer" in site.pages[0].links


def test_content_a_load_handler_adds_without_any_script_element_is_waited_for() -> None:
    handler = (
        "setTimeout(() => document.body.insertAdjacentHTML("
        "'beforeend', '<a href=/late>Late offer</a>'), 100)"
    )
    routes = {"/": Route(f'<!doctype html><title>Late</title><body onload="{handler}"></body>')}
    with serve(routes) as (base, _):
        site = run(base + "/", depth=0)
    assert base + "/late" in site.pages[0].links
