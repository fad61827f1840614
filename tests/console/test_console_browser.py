"""The advisor console in a real headless Chromium, with a web resident in another browser page and
a Telegram resident through the fake Bot API, all on the real stack. Screenshots and the console's
axe-core report go to tests/output/browser/."""
from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Page, expect

from tests.channels.test_telegram import Telegram, _ids, _keyboard
from tests.channels.test_webchat_browser import AXE, SHOTS, WCAG, browser, say  # noqa: F401 - the fixture
from tests.console.helpers import PASSWORDS

INJECTION = '<img src=x onerror="document.title=\'hacked\'">Hei <b>lihavoitu</b>'


def open_page(browser: Browser, url: str, **options) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI", **options)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    return page


def advisor_login(browser: Browser, stack, name: str, **options) -> Page:
    page = open_page(browser, stack.console_url + "/", **options)
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_label("Käyttäjätunnus").fill(name)
    page.get_by_label("Salasana").fill("väärä salasana")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.locator("#login-error")).to_have_text("Väärä käyttäjätunnus tai salasana.")
    page.get_by_label("Salasana").fill(PASSWORDS[name])
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.locator("#live")).to_have_text("Reaaliaikainen yhteys päällä.")
    return page


def queue_item(page: Page, marker: str):
    return page.locator("#queues li", has_text=marker)


def test_advisor_serves_a_web_and_a_telegram_resident_live(browser: Browser, stack, client, telegram_api, accounts):
    advisor = advisor_login(browser, stack, "sari")
    expect(advisor.locator("#who")).to_contain_text("Sari · Terveysneuvonta")

    # a web resident asks for a person in the chat page; the queue updates without a reload
    resident = open_page(browser, stack.web_chat_url)
    say(resident, "moi, täällä Aino")
    expect(resident.locator(".msg.bot")).not_to_have_count(0)
    say(resident, "haluan puhua ihmisen kanssa")
    resident.get_by_role("button", name="Terveys ja oireet").click()
    expect(resident.locator("#queue")).to_contain_text("Olet jonossa neuvojalle, sijalla")
    say(resident, INJECTION)
    web_item = queue_item(advisor, "täällä Aino")
    expect(web_item).to_have_count(1)
    expect(web_item).to_contain_text("verkkochat")

    # a Telegram resident too
    telegram = Telegram(client, telegram_api)
    chat_id = next(_ids)
    telegram.say(chat_id, "moi, täällä Bertta")
    sent = telegram.say(chat_id, "haluan puhua ihmisen kanssa")
    health = next(b for params in sent for b in _keyboard(params) if b["text"] == "Terveys ja oireet")
    status, sent = telegram.press(chat_id, health["callback_data"])
    assert status == 200 and any("Olet jonossa sijalla" in p["text"] for p in sent)
    telegram_item = queue_item(advisor, "täällä Bertta")
    expect(telegram_item).to_have_count(1)
    expect(telegram_item).to_contain_text("Telegram")
    advisor.screenshot(path=str(SHOTS / "console-queue.png"), full_page=True)

    # claim the web chat: the transcript has the bot part and the resident's waiting message, as text
    web_item.get_by_role("button", name=re.compile("Ota keskustelu")).click()
    expect(advisor.locator("#chat-meta")).to_contain_text("käsittelyssä")
    transcript = advisor.locator("#transcript")
    expect(transcript).to_contain_text("moi, täällä Aino")
    expect(transcript).to_contain_text(INJECTION)
    expect(transcript.locator("img, b")).to_have_count(0)
    expect(resident.locator("#queue")).to_have_text("Neuvoja on nyt mukana keskustelussa.")

    # a canned reply, edited, then a reply that tries to inject HTML into the resident's page
    advisor.get_by_label("Valmis vastaus").select_option(label="Tervehdys")
    expect(advisor.get_by_label("Vastaus asukkaalle")).to_have_value(re.compile("^Hei, olen neuvoja"))
    advisor.get_by_role("button", name="Lähetä").click()
    expect(resident.locator(".msg.advisor")).to_have_count(1)
    expect(resident.locator(".msg.advisor").first).to_contain_text("Neuvoja (ihminen): Sari")
    advisor.get_by_label("Vastaus asukkaalle").fill(INJECTION)
    advisor.get_by_label("Vastaus asukkaalle").press("Enter")
    expect(resident.locator(".msg.advisor")).to_have_count(2)
    expect(resident.locator(".msg.advisor").last).to_contain_text(INJECTION)
    expect(resident.locator(".msg.advisor img, .msg.advisor b")).to_have_count(0)
    assert resident.title() != "hacked" and advisor.title() != "hacked"

    # the resident answers; it appears in the console live, and the bot does not answer it
    bots_before = resident.locator(".msg.bot").count()
    say(resident, "kuume on 39,5 astetta")
    expect(transcript).to_contain_text("kuume on 39,5 astetta")
    resident.wait_for_timeout(500)
    assert resident.locator(".msg.bot").count() == bots_before
    advisor.screenshot(path=str(SHOTS / "console-chat.png"), full_page=True)
    resident.screenshot(path=str(SHOTS / "console-resident-web.png"), full_page=True)

    # the Telegram chat: claim, reply, the resident's answer arrives live, then back to the bot
    telegram_item.get_by_role("button", name=re.compile("Ota keskustelu")).click()
    expect(transcript).to_contain_text("täällä Bertta")
    advisor.get_by_label("Vastaus asukkaalle").fill("Hei! Miten kauan selkä on ollut kipeä?")
    before = len(telegram_api.sent(chat_id))
    advisor.get_by_role("button", name="Lähetä").click()
    relayed = telegram_api.wait_for(chat_id, before + 1, timeout=30)
    assert any(c.params["text"] == "👤 Neuvoja Sari:\nHei! Miten kauan selkä on ollut kipeä?" for c in relayed)
    assert telegram.say(chat_id, "kolme päivää") == [], "the bot does not answer while the advisor has the chat"
    expect(transcript).to_contain_text("kolme päivää")
    before = len(telegram_api.sent(chat_id))
    advisor.get_by_role("button", name="Palauta botille").click()
    expect(advisor.locator("#chat-meta")).to_contain_text("päättynyt")
    back = telegram_api.wait_for(chat_id, before + 1, timeout=30)
    assert "Neuvoja palautti keskustelun minulle" in back[-1].params["text"]
    assert telegram.say(chat_id, "kiitos"), "the bot answers again"

    # close the web chat with an outcome: the resident is told, and the bot resumes
    advisor.locator("#claimed li", has_text="sinulla").get_by_role("button", name="Avaa").click()
    advisor.get_by_label("Lopputulos").select_option("advice_given")
    advisor.get_by_role("button", name="Päätä keskustelu").click()
    expect(resident.locator(".msg.bot").last).to_contain_text("Neuvoja päätti keskustelun")
    bots_before = resident.locator(".msg.bot").count()
    say(resident, "kiitos")
    expect(resident.locator(".msg.bot")).not_to_have_count(bots_before)
    expect(advisor.locator("#claimed")).to_contain_text("Ei keskusteluja käsittelyssä.")
    resident.context.close()
    advisor.context.close()


def test_console_accessibility_and_keyboard(browser: Browser, stack, client, accounts):
    """axe-core on the console with a chat in the queue and one open; keyboard reaches the actions."""
    assert AXE.exists(), "axe-core is missing: run `make test` (it runs npm ci)"
    resident = open_page(browser, stack.web_chat_url)
    say(resident, "moi, axe-testi")
    expect(resident.locator(".msg.bot")).not_to_have_count(0)
    say(resident, "haluan puhua ihmisen kanssa")
    resident.get_by_role("button", name="Terveys ja oireet").click()
    expect(resident.locator("#queue")).to_contain_text("Olet jonossa")
    advisor = advisor_login(browser, stack, "sari", bypass_csp=True)
    item = queue_item(advisor, "axe-testi")
    item.get_by_role("button", name=re.compile("Ota keskustelu")).focus()
    advisor.keyboard.press("Enter")
    expect(advisor.get_by_label("Vastaus asukkaalle")).to_be_focused()
    advisor.add_script_tag(path=str(AXE))
    result = advisor.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    report = {"axe_version": result["testEngine"]["version"], "passes": len(result["passes"]),
              "incomplete": [i["id"] for i in result["incomplete"]],
              "violations": [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                              "nodes": [n["html"] for n in v["nodes"]][:5]} for v in result["violations"]]}
    (SHOTS / "axe-console.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\naxe-core {report['axe_version']} on the console: {report['passes']} rules passed, "
          f"{len(report['violations'])} violations")
    assert report["violations"] == [], json.dumps(report["violations"], ensure_ascii=False, indent=2)
    advisor.get_by_role("button", name="Palauta botille").click()
    expect(advisor.locator("#chat-meta")).to_contain_text("päättynyt")
    resident.context.close()
    advisor.context.close()


def test_editor_page_review_decision_and_a_validate_job(browser: Browser, stack, client, accounts):
    """An editor logs in, is sent to the editor page, dismisses a reviewed message and runs a job."""
    from bot.review.store import ReviewStore

    ReviewStore(stack.redis_url).record("mihin aikaan uimahalli aukeaa, soita 040 111 2222", "fallback",
                                        "nlu_fallback", 0.4)
    page = open_page(browser, stack.console_url + "/login", bypass_csp=True)
    page.get_by_label("Käyttäjätunnus").fill("eeva")
    page.get_by_label("Salasana").fill(PASSWORDS["eeva"])
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page).to_have_url(re.compile(r"/editor$"))
    group = page.locator("#groups li", has_text="mihin aikaan uimahalli aukeaa, soita [PUHELIN]")
    expect(group).to_have_count(1)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    violations = [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]][:3]} for v in result["violations"]]
    (SHOTS / "axe-editor.json").write_text(json.dumps({"passes": len(result["passes"]), "violations": violations},
                                                      ensure_ascii=False, indent=2))
    assert violations == [], violations
    group.get_by_role("button", name="Hylkää").click()
    expect(page.locator("#review-message")).to_contain_text("merkitty: hylätty")
    expect(page.locator("#groups li", has_text="uimahalli")).to_have_count(0)
    page.get_by_role("button", name="Tarkista data").click()
    expect(page.locator("#job-status")).to_have_text("Valmis: validate (onnistui)", timeout=180_000)
    expect(page.locator("#job-output")).to_contain_text("data kunnossa")
    page.screenshot(path=str(SHOTS / "editor.png"), full_page=True)
    page.context.close()
