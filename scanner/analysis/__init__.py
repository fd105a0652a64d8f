"""The analysis layer: pure functions from a crawl record and rule packs to findings and a plan.
No browser, no network, no clock: the same record always gives the same analysis."""

from scanner.analysis.classify import classify
from scanner.analysis.detect import detect_business_type
from scanner.analysis.plan import build_plan
from scanner.analysis.rules import RuleSet
from scanner.models import Analysis, AnalysisOptions, Site


def analyze(site: Site, options: AnalysisOptions, rules: RuleSet) -> Analysis:
    """Classify, detect the business type and plan, with these options and rules; the site in
    the result records the options, so that its site.json replays this analysis."""
    site = site.model_copy(update={"settings": options})
    findings = classify(site, rules)
    business = detect_business_type(site, findings, rules, options.business_type)
    plan = build_plan(site, findings, business, rules, options)
    return Analysis(site=site, findings=findings, plan=plan)
