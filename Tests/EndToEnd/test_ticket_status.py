"""The ticket's status page on a phone (the QR code on the ticket): zoom allowed, no `meta refresh`,
the state kept current by a small script and said through a polite live region, axe-core clean on
a phone's screen while waiting, when called and when offering the rating."""
from screens import check_screen
from test_queue import post, sign_in

PHONE = {"width": 390, "height": 844}


def test_the_status_page_follows_the_ticket_on_a_phone(browser, kiosk, artifacts):
    process = kiosk()
    status, ticket = post(process, "/api/v1/tickets", {"serviceCode": "А"})
    assert status == 201
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(process.base + ticket["statusPath"] + "?k=" + ticket["ratingCode"].replace("-", ""))
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    viewport = page.get_attribute("meta[name=viewport]", "content")
    assert "maximum-scale" not in viewport and "user-scalable" not in viewport, viewport
    assert page.inner_text("#status-state") == "Хүлээж байна"
    assert page.get_attribute("#status-live", "aria-live") == "polite"
    check_screen(page, artifacts, "status-waiting", reach=False)

    # Called to a counter: the page says so in place (no reload: what the page holds survives).
    page.evaluate("window.stillThisPage = true")
    cookie = sign_in(process, counter=1)
    assert post(process, "/api/v1/counters/1/call-next", cookie=cookie)[0] == 200
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the phone shows the page again
    page.wait_for_selector("#status-state strong:has-text('1')")
    assert page.inner_text("#status-state").startswith("Таныг дуудаж байна")
    assert page.is_hidden("#status-waiting")
    assert page.evaluate("window.stillThisPage") is True
    check_screen(page, artifacts, "status-called", reach=False)

    # The service over: the page loads once more and offers the rating.
    assert post(process, f"/api/v1/tickets/{ticket['id']}/start", cookie=cookie)[0] == 200
    assert post(process, f"/api/v1/tickets/{ticket['id']}/finish", {"outcome": "counselled"}, cookie=cookie)[0] == 200
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_selector("#feedback-form")
    assert page.locator("script[src='/assets/ticket-status.js']").count() == 0
    check_screen(page, artifacts, "status-rating", reach=False)
    assert not errors, errors
    phone.close()
