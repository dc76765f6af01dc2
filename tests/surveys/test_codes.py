from hypothesis import given
from hypothesis import strategies as st

from surveys.codes import CODE_MAX, code_from_label, unique_code
from surveys.definition_files import CODE_RE


def test_it_takes_the_labels_words():
    assert code_from_label("Which best describes your role?") == "which_best_describes_your_role"
    assert code_from_label("LinkedIn") == "linkedin"
    assert code_from_label("Über café") == "uber_cafe"


def test_it_cuts_long_labels_at_a_word_boundary():
    code = code_from_label("How would you characterize the level of social media usage for business purposes?")
    assert code == "how_would_you_characterize_the"
    assert len(code) <= CODE_MAX


def test_it_makes_codes_unique():
    assert code_from_label("Other", {"other"}) == "other_2"
    assert code_from_label("Other", {"other", "other_2"}) == "other_3"
    assert unique_code("x" * CODE_MAX, {"x" * CODE_MAX}) == "x" * (CODE_MAX - 2) + "_2"


def test_a_label_without_letters_gets_the_fallback():
    assert code_from_label("???", fallback="choice") == "choice"
    assert code_from_label("", {"choice"}, fallback="choice") == "choice_2"


def test_numbers_stay_whole_numbers_and_never_decimals():
    assert code_from_label("10") == "10"
    assert code_from_label("0.5", fallback="choice") == "0_5"


@given(st.text(max_size=200), st.sets(st.text(alphabet="abc_2", max_size=5), max_size=5))
def test_every_code_is_a_valid_unused_code(label, taken):
    code = code_from_label(label, taken)
    assert CODE_RE.match(code)
    assert len(code) <= CODE_MAX
    assert code not in taken
