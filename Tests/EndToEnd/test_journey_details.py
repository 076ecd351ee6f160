"""The journey's smaller promises (issue 21), each on the real service in Chromium: Enter on a
service chooses it, the priority goes with the service, words on screen name the buttons that are
there, required fields are marked, the idle warning hides the visitor, the ticket's status link is
one a phone can open, the review's "Change" comes back to the review."""
import re

from conftest import registration_form
from screens import check_screen
from test_journey import choose, next_step, open_journey, tap, wait_step


def quoted_buttons(page) -> list[str]:
    """Every «…» quoted on the active step that no visible button of the page is labelled with."""
    quoted = re.findall(r"«([^»]+)»", page.inner_text(".step.active"))
    labels = page.eval_on_selector_all(
        "button", "els => els.filter(e => e.offsetParent !== null).map(e => e.textContent.trim())")
    return [q for q in quoted if not any(q in label for label in labels)]


def test_enter_on_a_focused_service_chooses_that_service(browser, kiosk):
    process = kiosk()
    context, page, errors = open_journey(browser, process, register_only=False)
    page.focus('.service-option[data-service="Д"]')
    page.keyboard.press("Enter")
    wait_step(page, "ticket")
    assert page.inner_text("#ticket-number") == "Д-001"
    assert errors == []
    context.close()


def test_the_priority_is_chosen_before_the_service_and_goes_with_it(browser, kiosk):
    process = kiosk()
    context, page, errors = open_journey(browser, process, register_only=False)
    # The priority question comes first on the screen, above the services.
    priority = page.locator(".priority-option").first.bounding_box()
    service = page.locator(".service-option").first.bounding_box()
    assert priority["y"] + priority["height"] <= service["y"]
    page.click('.priority-option[data-priority="disability"]')
    page.click('.service-option[data-service="Д"]')
    wait_step(page, "ticket")
    assert "Хөгжлийн бэрхшээлтэй" in page.inner_text("#ticket-priority")
    # "Register here" is apart from the services, under "without a ticket".
    assert page.locator(".no-ticket-box #only-register").count() == 1
    assert page.locator(".services #only-register").count() == 0
    assert errors == []
    context.close()


def test_words_on_screen_name_the_buttons_and_required_fields_are_marked(browser, kiosk):
    process = kiosk(env={"KIOSK_FINGERPRINT_READER": "virtual"})
    context, page, errors = open_journey(browser, process)
    for field in ["registryNumber", "familyName", "givenName", "phone"]:
        assert page.get_attribute(f"#{field}", "aria-required") == "true" or field == "phone"
        label = page.inner_text(f'label[for="{field}"]')
        assert "(заавал)" in label, label
    # Optional steps say so in their question.
    assert "(заавал биш)" in page.inner_text('[data-step="occupation"] h1')
    assert "(заавал биш)" in page.inner_text('[data-step="skills"] h1')
    # Every «…» on a step is the label of a button on it (no «Дараах» beside «Үргэлжлүүлэх»).
    assert quoted_buttons(page) == []
    tap(page, "ТА85061512")
    next_step(page)
    wait_step(page, "names")
    assert page.inner_text("#next") == "Үргэлжлүүлэх"
    page.evaluate("""() => { document.querySelectorAll('.step').forEach(s => s.classList.remove('active'));
                             document.querySelector('[data-step="fingerprint"]').classList.add('active');
                             document.getElementById('fingerprint-skip').hidden = false; }""")
    assert "«" in page.inner_text(".step.active")
    assert quoted_buttons(page) == []
    assert errors == []
    context.close()


def test_the_idle_warning_hides_the_visitors_details(browser, kiosk, artifacts):
    process = kiosk()
    status, created = process.request("POST", "/api/v1/registrations", registration_form("УБ90051223"))
    assert status == 201
    context, page, errors = open_journey(browser, process, clock=True)
    tap(page, "УБ90051223")
    next_step(page)
    wait_step(page, "prove")
    code = page.inner_text("#prove-code").replace(" ", "")
    process.release(code, "УБ90051223")
    page.clock.run_for(2_500)  # the screen asks every two seconds
    wait_step(page, "known")
    assert page.is_visible("#known-name")
    page.clock.run_for(61_000)
    assert page.is_visible("#idle-overlay")
    # The greeting is there (until the reset), but nothing of it shows under the warning.
    assert page.is_hidden("#known-name") and page.is_hidden("#known-reference")
    assert page.evaluate("document.activeElement.id") == "idle-more"
    check_screen(page, artifacts, "idle-warning")
    page.click("#idle-more")
    assert page.is_visible("#known-name")
    assert errors == []
    context.close()


def test_the_status_link_is_one_a_phone_can_open(browser, kiosk):
    process = kiosk(env={"KIOSK_PUBLIC_URL": "http://kiosk.office.lan:8080"})
    context, page, errors = open_journey(browser, process, register_only=False)
    page.click('.service-option[data-service="Д"]')
    wait_step(page, "ticket")
    link = page.inner_text("#ticket-status")
    assert link.startswith("kiosk.office.lan:8080/t/"), link
    assert page.is_hidden("#ticket-status-none")
    assert errors == []
    context.close()


def test_change_from_the_review_comes_back_to_the_review(browser, kiosk, artifacts):
    """Correcting one answer costs its own taps, not a walk through every step after it."""
    from test_journey import fill_new_registration

    process = kiosk()
    context, page, errors = open_journey(browser, process)
    fill_new_registration(page, "ТА85061512", "ДОРЖ", "ӨЛЗИЙ")
    page.click("#consent")
    wait_step(page, "review")
    page.click('[data-goto="education"]')
    wait_step(page, "education")
    assert page.is_hidden("#back")
    choose(page, "educationCode", "bachelor")
    wait_step(page, "review")
    assert "Бакалаврын зэрэг" in page.inner_text("#review")
    page.click('[data-goto="names"]')
    wait_step(page, "names")
    page.click('.key[data-action="clear"]')
    tap(page, "ДОРЖСҮРЭН")
    next_step(page)
    wait_step(page, "review")
    assert "Доржсүрэн Өлзий" in page.inner_text("#review")
    next_step(page)
    wait_step(page, "done")
    check_screen(page, artifacts, "done")
    assert errors == []
    context.close()


def test_the_english_journey_marks_the_mongolian_keyboard_and_passes_axe(browser, kiosk, artifacts):
    """In English the keys are still Cyrillic letters: they carry lang="mn", so a screen reader
    says them as Mongolian letters; the steps pass axe in English too."""
    process = kiosk()
    context, page, errors = open_journey(browser, process, language="en")
    assert page.evaluate("document.querySelector('.key[data-key=\"Ө\"]').closest('[lang]').lang") == "mn"
    check_screen(page, artifacts, "en-registry-number")
    tap(page, "ТА85061512")
    next_step(page)
    wait_step(page, "names")
    check_screen(page, artifacts, "en-names")
    assert errors == []
    context.close()
