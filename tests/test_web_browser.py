"""A real browser (Debian's chromium, driven by Selenium through chromium-driver) against a
real `consolidate serve`: a unit opens its link, uploads a workbook with an error, sees the
verdict and the marked cell in its own table, uploads the fixed workbook and sees it pass;
the office's board, open in another window, changes by itself (htmx) from 有错误 to 已报送且通过.

Chromium runs headless with a fresh profile and without any background networking (the
machine's network is closed). `make test` installs chromium and chromium-driver
(Makefile: web-services); without them this test fails under CI and is skipped elsewhere.
Screenshots go to the test's folder, or to $CONSOLIDATE_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from web_support import ERROR_KEY, serving, setup_round, workbook

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PASSWORD = "a-long-enough-password"


def browser_present() -> None:
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()) or shutil.which("chromedriver") is None:
        message = "chromium and chromium-driver are needed (make web-services installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def browser(profile: Path) -> Any:
    browser_present()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--window-size=1280,1600", "--lang=zh-CN", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})  # a clerk's browser
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def test_unit_fixes_its_file_and_the_board_changes(tmp_path: Path) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(os.environ.get("CONSOLIDATE_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    _, round_id, paths, units = setup_round(data, None, 3, user="browser", password=PASSWORD)
    unit = units.units[0]  # type: ignore[attr-defined]
    wrong, right = tmp_path / "报表（有错）.xlsx", tmp_path / "报表（改正后）.xlsx"
    wrong.write_bytes(workbook(unit, error=True))
    right.write_bytes(workbook(unit))
    with serving(data) as server:
        driver = browser(tmp_path / "profile")
        try:
            wait = WebDriverWait(driver, 30)
            # the office logs in and opens the board
            driver.get(f"{server.url}/office/rounds/{round_id}/")
            driver.find_element(By.NAME, "username").send_keys("browser")
            driver.find_element(By.NAME, "password").send_keys(PASSWORD)
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            row = f'tr[data-unit="{unit.code}"]'
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'{row}[data-state="missing"]')))
            board = driver.current_window_handle

            # the unit, in a window of its own, uploads a file with an error
            driver.switch_to.new_window("window")
            driver.get(server.url + paths[unit.code])
            assert unit.name in driver.find_element(By.TAG_NAME, "h1").text
            driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(wrong))
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            # the page shows 审核中 and turns to the verdict by itself (htmx) when the check is done
            settling = WebDriverWait(driver, 30, ignored_exceptions=(WebDriverException,))
            settling.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".verdict"), "有错误"))
            cell = driver.find_element(By.CSS_SELECTOR, f'td[data-key="{ERROR_KEY}"]')
            assert "mark-error" in cell.get_attribute("class")
            assert cell.value_of_css_property("background-color") != driver.find_element(
                By.CSS_SELECTOR, 'td[data-key="t3.new.natural"]').value_of_css_property("background-color")
            driver.save_screenshot(str(shots / "unit-with-error.png"))

            # the office's board turns to 有错误 by itself
            driver.switch_to.window(board)
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'{row}[data-state="invalid"]')))

            # the unit uploads the fixed file; the old page (and its verdict) must go first, or
            # the wait can read a node of the page being replaced (chromedriver then answers
            # "Node with given id does not belong to the document", not a stale element)
            driver.switch_to.window(driver.window_handles[-1])
            old_verdict = driver.find_element(By.CSS_SELECTOR, ".verdict")
            driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(right))
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            settling.until(ec.staleness_of(old_verdict))
            settling.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".verdict"), "通过"))
            assert not driver.find_elements(By.CSS_SELECTOR, "td.mark-error")
            driver.save_screenshot(str(shots / "unit-fixed.png"))

            # and the board follows, without a reload
            driver.switch_to.window(board)
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'{row}[data-state="valid"]')))
            # the board polls and swaps its rows, so the row's text is read inside a wait too
            settling.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, row), "已报送且通过"))
            driver.save_screenshot(str(shots / "office-board.png"))
        finally:
            driver.quit()


def phone(profile: Path, width: int = 390) -> Any:
    """The browser as a phone: a 390×844 screen (iPhone 12–15), WeChat's user agent."""
    browser_present()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--lang=zh-CN", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    options.add_experimental_option("mobileEmulation", {
        "deviceMetrics": {"width": width, "height": 844, "pixelRatio": 2.0},
        "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                     "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.50"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def sideways(driver: Any) -> int:
    """How far the page scrolls sideways (0: it fits the screen)."""
    return int(driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def test_unit_fills_in_the_form_on_a_phone_and_gets_its_verdict_and_receipt(tmp_path: Path) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(os.environ.get("CONSOLIDATE_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    _, _, paths, units = setup_round(data, None, 2, user="phone", password=PASSWORD)
    unit = units.units[0]  # type: ignore[attr-defined]
    with serving(data) as server:
        driver = phone(tmp_path / "profile")
        try:
            wait = WebDriverWait(driver, 60, ignored_exceptions=(WebDriverException,))
            link = server.url + paths[unit.code]
            driver.get(link)
            driver.find_element(By.CSS_SELECTOR, f'a[href="{paths[unit.code]}/form"]').click()
            wait.until(ec.text_to_be_present_in_element((By.ID, "live"), "检查通过"))  # all zeros pass
            assert sideways(driver) == 0
            # one table at a time: 表三 shown, 表二 hidden; its inputs bring up the number keyboard
            driver.find_element(By.CSS_SELECTOR, '.tab[data-tab="tab-t3"]').click()
            assert not driver.find_element(By.ID, "tab-t2").is_displayed()
            new = driver.find_element(By.ID, "in-t3.new.natural")
            assert new.get_attribute("inputmode") == "numeric"
            new.clear()
            new.send_keys("5")
            # the total follows at once, the live check says what is wrong under the cell
            assert driver.find_element(By.ID, "in-t3.new.total").text == "5"
            note = (By.CSS_SELECTOR, '.note.error[data-note-for="t3.carry_over.natural"]')
            wait.until(ec.text_to_be_present_in_element(note, "本格应为 5"))
            wait.until(ec.text_to_be_present_in_element((By.ID, "live"), "1 个错误"))
            assert sideways(driver) == 0
            driver.save_screenshot(str(shots / "phone-form-live-error.png"))
            granted = driver.find_element(By.ID, "in-t3.granted.natural")
            granted.clear()
            granted.send_keys("5")
            wait.until(ec.text_to_be_present_in_element((By.ID, "live"), "检查通过"))
            driver.find_element(By.CSS_SELECTOR, '.tab[data-tab="tab-identity"]').click()
            driver.find_element(By.ID, "in-filler").send_keys("王五")
            driver.find_element(By.ID, "in-phone").send_keys("13800000000")
            wait.until(ec.text_to_be_present_in_element((By.ID, "live"), "已保存"))
            # a closed tab loses nothing: the draft comes back
            driver.get(link + "/form")
            driver.find_element(By.CSS_SELECTOR, '.tab[data-tab="tab-t3"]').click()
            assert driver.find_element(By.ID, "in-t3.new.natural").get_attribute("value") == "5"
            driver.find_element(By.CSS_SELECTOR, "button.submit").click()
            wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".verdict"), "通过"))
            assert "本单位的报送已完成" in driver.find_element(By.CSS_SELECTOR, ".box.done").text
            driver.save_screenshot(str(shots / "phone-verdict.png"))
            driver.find_element(By.PARTIAL_LINK_TEXT, "回执").click()
            wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "报送回执"))
            body = driver.find_element(By.TAG_NAME, "body").text
            assert "网页填报_" in body and unit.name in body and "通过" in body
            assert sideways(driver) == 0
            driver.save_screenshot(str(shots / "phone-receipt.png"))
        finally:
            driver.quit()


def test_verdict_with_errors_fits_a_360_px_phone(tmp_path: Path) -> None:
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(os.environ.get("CONSOLIDATE_SCREENSHOTS") or tmp_path)
    data = tmp_path / "data"
    _, _, paths, units = setup_round(data, None, 2, user="narrow", password=PASSWORD)
    unit = units.units[0]  # type: ignore[attr-defined]
    wrong = tmp_path / "报表（有错）.xlsx"
    wrong.write_bytes(workbook(unit, error=True))
    with serving(data) as server:
        driver = phone(tmp_path / "profile", width=360)
        try:
            wait = WebDriverWait(driver, 60, ignored_exceptions=(WebDriverException,))
            driver.get(server.url + paths[unit.code])
            driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(wrong))
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".verdict"), "有错误"))
            # the history below follows the verdict too (no 审核中 left until a reload)
            wait.until(ec.text_to_be_present_in_element((By.ID, "history"), "有错误"))
            assert "审核中" not in driver.find_element(By.ID, "history").text
            assert sideways(driver) == 0
            # the history fits (no sideways scroll of its own); its links and times wrap as words,
            # never a letter or two a line
            assert driver.execute_script("var h = arguments[0]; return h.scrollWidth - h.clientWidth",
                                         driver.find_element(By.ID, "history")) == 0
            for part in ("#history a[href$='/receipt']", "#history .day"):
                shown = driver.find_element(By.CSS_SELECTOR, part)
                assert driver.execute_script("return arguments[0].getClientRects().length", shown) == 1, part
            # the marked cell shows its explanation as text, and the finding's place jumps to it
            marked = driver.find_element(By.CSS_SELECTOR, f'.vitem.mark-error[data-key="{ERROR_KEY}"]')
            assert marked.is_displayed() and "本格应为" in marked.text
            assert not driver.find_element(By.CSS_SELECTOR, f'td[data-key="{ERROR_KEY}"]').is_displayed()
            driver.find_element(By.CSS_SELECTOR, f'a.jump[data-jump="{ERROR_KEY}"]').click()
            top = driver.execute_script("return arguments[0].getBoundingClientRect().top", marked)
            assert 0 <= top < 844
            driver.save_screenshot(str(shots / "phone-360-verdict-error.png"))
        finally:
            driver.quit()


def log_in(driver: Any, url: str, name: str) -> None:
    """Open ``url`` (the login page, or an office page that leads to it) and log in as ``name``."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()



def test_office_pages_on_a_phone_and_a_desk(tmp_path: Path) -> None:  # issue 17, points 5 and 6
    """The office's pages at 390 px and at 1280 px: no page scrolls sideways as a whole (wide
    tables scroll in their own box), the 催报名单 shows every line without scrolling inside,
    the 404 page is ours, the favicon is there; an administrator changes their password."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    from web_support import office

    shots = Path(os.environ.get("CONSOLIDATE_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    data = tmp_path / "data"
    _, round_id, _paths, _units = setup_round(data, None, 7, user="clerk", password=PASSWORD)
    made = office(data, "adduser", "boss", "--admin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    with serving(data) as server:
        driver = browser(tmp_path / "profile")
        try:
            wait = WebDriverWait(driver, 30)
            log_in(driver, f"{server.url}/login/", "boss")
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "h1")))
            pages = {"board": f"/office/rounds/{round_id}/", "links": f"/office/rounds/{round_id}/links",
                     "account": "/office/account/", "accounts": "/office/accounts/", "rounds": "/office/",
                     "not-found": "/no/such/page"}
            for width in (390, 1280):
                driver.set_window_size(width, 1000)
                for name, path in pages.items():
                    driver.get(server.url + path)
                    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "main h1")))
                    inner, scroll = driver.execute_script(
                        "return [window.innerWidth, document.scrollingElement.scrollWidth]")
                    assert scroll <= inner, (name, width, scroll, inner)
                    driver.save_screenshot(str(shots / f"office-{name}-{width}.png"))
                    if name == "board":
                        box = driver.find_element(By.ID, "chase")
                        lines = box.get_attribute("value").strip().splitlines()
                        shown, needed = driver.execute_script(
                            "var b = document.getElementById('chase'); return [b.clientHeight, b.scrollHeight]")
                        assert len(lines) == 7 and needed <= shown, (width, lines, shown, needed)
                        driver.execute_script("arguments[0].scrollIntoView()", box)
                        box.screenshot(str(shots / f"office-chase-{width}.png"))
                    if name == "not-found":
                        assert "找不到这个页面" in driver.find_element(By.TAG_NAME, "h1").text
                        assert driver.find_elements(By.CSS_SELECTOR, 'link[rel="icon"]')
            # the administrator's own password, in the page
            driver.get(server.url + "/office/account/")
            driver.find_element(By.NAME, "old_password").send_keys(PASSWORD)
            driver.find_element(By.NAME, "new_password1").send_keys("another-long-password-7")
            driver.find_element(By.NAME, "new_password2").send_keys("another-long-password-7")
            driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
            wait.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, ".messages"), "密码已修改"))
        finally:
            driver.quit()
