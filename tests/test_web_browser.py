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


def browser(profile: Path) -> Any:
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()) or shutil.which("chromedriver") is None:
        message = "chromium and chromium-driver are needed (make web-services installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
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


def log_in(driver: Any, url: str, name: str) -> None:
    """Open ``url`` (the login page, or an office page that leads to it) and log in as ``name``."""
    from selenium.webdriver.common.by import By

    driver.get(url)
    driver.find_element(By.NAME, "username").send_keys(name)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


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
            log_in(driver, f"{server.url}/office/rounds/{round_id}/", "browser")  # the office opens the board
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
            # on a phone (issue 17, point 2): nothing scrolls sideways, the marked number's explanation
            # is text under it, and the finding's place jumps to it
            driver.set_window_size(360, 800)
            inner, scroll = driver.execute_script("return [window.innerWidth, document.scrollingElement.scrollWidth]")
            assert scroll <= inner, (scroll, inner)
            item = driver.find_element(By.ID, f"n-{ERROR_KEY}")
            assert item.is_displayed() and "mark-error" in item.get_attribute("class")
            why = item.find_element(By.CSS_SELECTOR, ".why")
            assert why.is_displayed() and why.text  # visible text, not a hover title
            assert not driver.find_element(By.CSS_SELECTOR, "table.sheet").is_displayed()  # no grid on a phone
            driver.find_element(By.CSS_SELECTOR, f'a[data-goto="{ERROR_KEY}"]').click()
            WebDriverWait(driver, 5).until(lambda d: d.execute_script(
                "var r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight",
                item))
            driver.save_screenshot(str(shots / "unit-with-error-360.png"))
            driver.set_window_size(1280, 1600)

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
            assert "报送已经完成" in driver.find_element(By.ID, "done").text  # says the unit is done, and what next
            # its 回执, from the page, fits a phone (issue 17, point 3)
            driver.find_element(By.ID, "receipt-link").click()
            wait.until(ec.presence_of_element_located((By.ID, "receipt")))
            assert unit.name in driver.find_element(By.ID, "receipt").text
            driver.set_window_size(390, 844)
            inner, scroll = driver.execute_script("return [window.innerWidth, document.scrollingElement.scrollWidth]")
            assert scroll <= inner, (scroll, inner)
            driver.save_screenshot(str(shots / "unit-receipt-390.png"))
            driver.set_window_size(1280, 1600)

            # and the board follows, without a reload
            driver.switch_to.window(board)
            wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, f'{row}[data-state="valid"]')))
            # the board polls and swaps its rows, so the row's text is read inside a wait too
            settling.until(ec.text_to_be_present_in_element((By.CSS_SELECTOR, row), "已报送且通过"))
            driver.save_screenshot(str(shots / "office-board.png"))
        finally:
            driver.quit()


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
