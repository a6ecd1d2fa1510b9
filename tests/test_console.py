import time

from messagebus_cookbook.console import (
    Command,
    canonical,
    explain_mismatch,
    matches,
    parse_console,
    render_console,
    unmasked_figures,
    updated_output,
)


def test_parse_console_splits_commands_and_outputs() -> None:
    block = (
        "$ pytest -q\n.. [100%]\n2 passed in 0.01s\n"
        "$ ruff check .\nAll checks passed!\n"
    )
    assert list(parse_console(block)) == [
        Command("pytest -q", ".. [100%]\n2 passed in 0.01s"),
        Command("ruff check .", "All checks passed!"),
    ]


def test_render_console_is_the_inverse_of_parse() -> None:
    commands = [Command("pytest -q", "1 passed in 0.01s"), Command("true", "")]
    assert list(parse_console(render_console(commands))) == commands


def test_a_console_block_must_start_with_a_prompt() -> None:
    try:
        list(parse_console("collected 0 items\n$ pytest\n"))
    except ValueError as error:
        assert "without a '$ ' prompt" in str(error)
    else:
        raise AssertionError("a block without a prompt was accepted")


def test_durations_and_rulers_do_not_count() -> None:
    shown = f"{'=' * 30} 3 passed in 0.09s {'=' * 31}"
    real = f"{'=' * 30} 3 passed in 12.51s {'=' * 30}"
    assert matches(shown, real)


def test_a_run_of_a_minute_or_more_matches_a_shorter_one() -> None:
    assert matches("129 passed in 46.59s", "129 passed in 63.16s (0:01:03)")
    assert matches("129 passed in 63.16s (0:01:03)", "129 passed in 46.59s")


def test_the_times_of_a_trace_do_not_count() -> None:
    shown = "  send book_registered_v2   club-relay   +94.5 ms, 17.7 ms"
    real = "  send book_registered_v2   club-relay   +251.5 ms, 25.1 ms"
    assert matches(shown, real)
    assert not matches(shown, real.replace("club-relay", "club-web  "))


def test_a_changed_count_does_not_match() -> None:
    shown = f"{'=' * 30} 3 passed in 0.09s {'=' * 31}"
    real = f"{'=' * 30} 4 passed in 0.09s {'=' * 31}"
    assert not matches(shown, real)


def test_pytest_header_versions_do_not_count() -> None:
    shown = (
        "platform linux -- Python 3.11.7, pytest-9.2.0, pluggy-1.7.0\n"
        "plugins: asyncio-1.5.0"
    )
    real = (
        "platform linux -- Python 3.13.0, pytest-9.3.1, pluggy-1.8.0\n"
        "plugins: asyncio-1.6.0"
    )
    assert matches(shown, real)


def test_addresses_do_not_count() -> None:
    shown = "repo = <tests.conftest.Repo object at 0x7fba12ed5290>"
    real = "repo = <tests.conftest.Repo object at 0x7f0000000001>"
    assert matches(shown, real)


def test_a_wildcard_line_matches_any_number_of_lines() -> None:
    assert matches("start\n...\nend", "start\nend")
    assert matches("start\n...\nend", "start\none\ntwo\nend")
    assert not matches("start\n...\nend", "start\none\ntwo")


def test_a_wildcard_in_a_line_matches_part_of_it() -> None:
    assert matches(
        "Successfully installed ...", "Successfully installed reading-club-0.1.0"
    )
    assert not matches("Successfully installed ...", "ERROR: no matching distribution")


def test_an_empty_block_matches_only_an_empty_output() -> None:
    assert matches("", "")
    assert not matches("", "WARNING: something")


def test_canonical_shows_the_readers_paths_without_colours() -> None:
    real = "\x1b[32mrootdir: /tmp/reader-01-abc\x1b[0m   \n\n"
    assert canonical(real, "/tmp/reader-01-abc") == "rootdir: /home/reader/reading-club"


def test_a_mismatch_is_explained_with_a_unified_diff() -> None:
    assert explain_mismatch("1 passed", "1 failed") == (
        "--- shown in the chapter\n+++ real output\n@@ -1 +1 @@\n-1 passed\n+1 failed"
    )


def test_the_diff_leaves_out_what_is_masked() -> None:
    shown = "repo = <Repo object at 0x7fba12ed5290>\n1 passed in 0.05s"
    real = "repo = <Repo object at 0x7f0000000001>\n1 failed in 0.07s"
    assert explain_mismatch(shown, real) == (
        "--- shown in the chapter\n+++ real output\n@@ -1,2 +1,2 @@\n"
        " repo = <Repo object at 0x7fba12ed5290>\n"
        "-1 passed in 0.05s\n+1 failed in 0.07s"
    )


def test_a_long_output_that_does_not_match_is_refused_at_once() -> None:
    expected = "start\n...\na ... b\n...\na ... b\n...\nend"
    actual = "start\n" + "\n".join(f"a {n} b" for n in range(2000))

    started = time.perf_counter()
    assert not matches(expected, actual)
    assert time.perf_counter() - started < 1.0


def test_a_long_line_with_wildcards_that_does_not_match_is_refused_at_once() -> None:
    expected = "a ... b ... c ... d ... e ... z"
    actual = "a " + "b c d e " * 5000

    started = time.perf_counter()
    assert not matches(expected, actual)
    assert time.perf_counter() - started < 1.0


def test_wildcards_inside_a_line_match_any_text_in_order() -> None:
    assert matches("platform ... -- Python ...", "platform linux -- Python 3.11")
    assert matches("a...b...c", "abc")
    assert not matches("a...b...c", "acb")
    assert not matches("ab...ba", "aba")


def test_an_update_keeps_the_parts_of_a_line_shortened_by_hand() -> None:
    shown = (
        "E   Failed: within 5 s\n"
        "    [parameters: ('pending', 1, datetime.datetime(...), 'refused', 1)]\n"
        "6 failed in 13.78s"
    )
    real = (
        "E   Failed: within 2 s\n"
        "    [parameters: ('pending', 1, datetime.datetime(2026, 11, 30, 7, 42), "
        "'refused', 1)]\n"
        "6 failed in 12.40s"
    )

    # The duration is masked: the shown one stays, as the elision does.
    assert updated_output(shown, real) == shown.replace("5 s", "2 s")


def test_an_update_keeps_the_lines_hidden_by_hand() -> None:
    shown = "collected 3 items\n...\ntests/test_a.py:12: AssertionError\n1 failed"
    real = (
        "collected 3 items\n"
        "\n"
        "tests/test_a.py::test_one PASSED\n"
        "tests/test_a.py::test_two FAILED\n"
        "tests/test_a.py:14: AssertionError\n"
        "1 failed"
    )

    assert updated_output(shown, real) == (
        "collected 3 items\n...\ntests/test_a.py:14: AssertionError\n1 failed"
    )


def test_an_update_adds_and_drops_lines_around_what_still_holds() -> None:
    shown = "$ header\nkept line\ngone line\nkept too"
    real = "$ header\nnew first\nkept line\nkept too\nnew last"

    assert updated_output(shown, real) == real


def test_an_update_matches_the_real_output() -> None:
    cases = [
        ("", "all new\nlines"),
        ("...", ""),
        ("a\n...\n...\nb", "a\nb"),
        ("a ... c\nd", "a b c\nx\nd"),
        ("old\nblock", ""),
    ]
    for shown, real in cases:
        assert matches(updated_output(shown, real), real), (shown, real)


def test_rm_of_named_files_says_which_files_it_removes() -> None:
    assert Command("rm src/a.py tests/test_a.py", "").removes == (
        "src/a.py",
        "tests/test_a.py",
    )
    # Options and patterns name no file the book can follow: not a removal.
    for line in ("rm -r src/club", "rm src/*.py", "pytest -q", "rmdir src"):
        assert Command(line, "").removes == (), line


def test_mv_of_a_path_to_another_says_what_goes_where() -> None:
    assert Command("mv src/club/uow_sqla src/club/adapters", "").moves == (
        "src/club/uow_sqla",
        "src/club/adapters",
    )
    assert Command("git mv tests/a.py tests/unit/a.py", "").moves == (
        "tests/a.py",
        "tests/unit/a.py",
    )
    # Paths into a folder the reader has: the folder is written with its /.
    assert Command("mv tests/test_*.py tests/a.py tests/unit/", "").moves == (
        "tests/test_*.py",
        "tests/a.py",
        "tests/unit/",
    )
    # Options, patterns or several sources without a folder's /: the book
    # could not tell the new path of each file.
    for line in (
        "mv -f src/a.py src/b.py",
        "mv src/*.py src/club",
        "mv src/a.py src/b.py src/club",
        "mv src/a.py src/club/*",
        "mv src/a.py",
    ):
        assert Command(line, "").moves is None, line


def test_an_update_names_the_figures_it_wrote_into_a_masked_block() -> None:
    shown = "1,000 envelopes, in envelopes/s:\n  on Redis ...\n  on RabbitMQ ..."
    real = (
        "1,000 envelopes, in envelopes/s:\n"
        "  on Redis 1867\n"
        "  on RabbitMQ 1010\n"
        "  on both 612"
    )

    updated = updated_output(shown, real)

    assert updated == shown + "\n  on both 612"
    assert unmasked_figures(shown, updated) == ["  on both 612"]


def test_an_update_of_a_block_that_masks_nothing_names_nothing() -> None:
    shown = "3 passed in 1.00s"
    updated = updated_output(shown, "4 passed in 1.00s")

    assert updated == "4 passed in 1.00s"
    assert unmasked_figures(shown, updated) == []


def test_the_progress_of_pytest_is_no_mask_and_no_figure() -> None:
    shown = "....x.... [ 50%]\n......... [100%]\n18 passed in 1.00s"
    updated = updated_output(
        shown, "..x...... [ 50%]\n......... [100%]\n18 passed in 2.00s"
    )

    assert unmasked_figures(shown, updated) == []


XDIST_RUN = """bringing up nodes...
bringing up nodes...

........................................................................ [ 13%]
........................................................................ [ 27%]
{third}
......                                                                   [ 98%]
509 passed, 1 xfailed in 150.00s (0:02:30)"""


def test_the_progress_of_pytest_workers_may_vary_but_not_their_counts() -> None:
    shown = XDIST_RUN.format(third="." * 72 + " [ 41%]")
    run = XDIST_RUN.format(third="." * 30 + "x" + "." * 41 + " [ 40%]")

    assert matches(shown, run)
    assert not matches(shown, run.replace("509 passed", "508 passed, 1 failed"))
    diff = explain_mismatch(shown, run.replace("509", "508")).splitlines()
    assert [line for line in diff[2:] if line.startswith(("-", "+"))] == [
        "-509 passed, 1 xfailed in 150.00s (0:02:30)",
        "+508 passed, 1 xfailed in 150.00s (0:02:30)",
    ]
    assert " <the progress of pytest's workers>" in diff


def test_the_progress_of_one_process_keeps_its_percentages() -> None:
    shown = "....x.... [ 50%]\n......... [100%]\n18 passed in 1.00s"

    assert not matches(shown, "....x.... [ 60%]\n......... [100%]\n18 passed in 1.00s")
