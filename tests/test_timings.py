"""The per-chapter timing summary printed at the end of a run."""

from messagebus_cookbook.timings import ChapterTimings, CommandTime


def test_the_steps_of_a_chapter_add_up_and_other_tests_are_summed_apart() -> None:
    timings = ChapterTimings()
    timings.add("cookbook/02-repository.rst::line:10,column:1", 3.0, preparation=1.3)
    timings.add("cookbook/02-repository.rst::line:40,column:1", 1.5)
    timings.add("cookbook/01-model.rst::line:5,column:1", 2.0, preparation=0.5)
    timings.add("tests/test_console.py::test_masks", 0.25)
    timings.add("tests/test_chapters.py::test_reads", 0.25)

    assert timings.lines() == [
        "cookbook/01-model.rst          2.0 s  (preparation  0.5 s)",
        "cookbook/02-repository.rst     4.5 s  (preparation  1.3 s)",
        "all chapters                   6.5 s",
        "other tests                    0.5 s",
    ]


def test_a_run_without_chapters_prints_nothing() -> None:
    timings = ChapterTimings()
    timings.add("tests/test_console.py::test_masks", 0.25)

    assert timings.lines() == []


def test_the_slowest_reader_commands_come_last_with_their_place() -> None:
    timings = ChapterTimings()
    timings.add(
        "cookbook/01-model.rst::line:5,column:1",
        2.0,
        commands=[
            CommandTime(0.25, "cookbook/01-model.rst:5", "mypy src tests"),
            CommandTime(1.5, "cookbook/01-model.rst:5", "pytest -v"),
        ],
    )
    timings.add(
        "cookbook/12-outbox.rst::line:9,column:1",
        9.0,
        commands=[CommandTime(8.0, "cookbook/12-outbox.rst:9", "pytest -q")],
    )

    assert timings.lines()[-4:] == [
        "slowest reader commands (of 3):",
        "   8.0 s  cookbook/12-outbox.rst:9  $ pytest -q",
        "   1.5 s  cookbook/01-model.rst:5  $ pytest -v",
        "   0.2 s  cookbook/01-model.rst:5  $ mypy src tests",
    ]


def test_only_the_five_slowest_commands_are_listed() -> None:
    timings = ChapterTimings()
    timings.add(
        "cookbook/01-model.rst::line:5,column:1",
        21.0,
        commands=[
            CommandTime(float(n), "cookbook/01-model.rst:5", f"sleep {n}")
            for n in range(1, 7)
        ],
    )

    listed = timings.lines()[-6:]
    assert listed[0] == "slowest reader commands (of 6):"
    assert [line.split("$ ")[1] for line in listed[1:]] == [
        "sleep 6",
        "sleep 5",
        "sleep 4",
        "sleep 3",
        "sleep 2",
    ]
