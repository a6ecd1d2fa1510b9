"""The per-chapter timing summary printed at the end of a run."""

from messagebus_cookbook.timings import ChapterTimings


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
