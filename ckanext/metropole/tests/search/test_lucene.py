"""The Lucene subset parser: what CKAN sends parses, hostile input is refused."""
# The tests read the parsed nodes by their shape (a wrong node fails the test):
# pyright: reportAttributeAccessIssue=false
import pytest

from ckanext.metropole.search import lucene
from ckanext.metropole.search.compiler import minimum_should_match, parse_date
from ckanext.metropole.search.lucene import SearchSyntaxError


def test_ckan_filters_parse():
    node = lucene.parse('+capacity:public +state:(active OR draft)')
    assert isinstance(node, lucene.Bool)
    occurs = [occur for occur, _ in node.clauses]
    assert occurs == [lucene.MUST, lucene.MUST]
    inner = node.clauses[1][1]
    assert [c.value.text for _, c in inner.clauses] == ["active", "draft"]


def test_or_makes_both_sides_optional_and_not_prohibits():
    node = lucene.parse('name:"a" OR id:"a"')
    assert [o for o, _ in node.clauses] == [lucene.SHOULD, lucene.SHOULD]
    node = lucene.parse("écoles NOT privé")
    assert [o for o, _ in node.clauses] == [lucene.MUST, lucene.MUST_NOT]
    node = lucene.parse("-tags:x")
    assert node.clauses == ((lucene.MUST_NOT, lucene.Field("tags", lucene.Term("x"))),)


def test_ranges_keep_dates_with_colons():
    node = lucene.parse("metadata_modified:[2024-01-01T00:00:00Z TO NOW-1DAY}")
    assert node == lucene.Field("metadata_modified", lucene.Range(
        "2024-01-01T00:00:00Z", "NOW-1DAY", True, False))
    assert lucene.parse("num_resources:[1 TO *]").value.high is None


def test_match_all_and_wildcards():
    assert lucene.parse("*:*") == lucene.MatchAll()
    assert lucene.parse("") == lucene.MatchAll()
    assert lucene.parse("res_format:*") == lucene.Field("res_format", lucene.Term("*", True))
    assert lucene.parse("title:ecol*").value == lucene.Term("ecol*", True)


def test_escapes_and_boosts():
    assert lucene.parse(r"url:http\://x").value.text == "http://x"
    assert lucene.parse("tags:foo^2").value.text == "foo"


@pytest.mark.parametrize(('bad', 'message'), [
    ('"unclosed', "quotes"),
    ("(a OR b", "parentheses"),
    ("a AND", "nothing on its right"),
    ("OR a", "nothing on its left"),
    ("field:", "no value"),
    ("x:[1 TO", "not closed"),
    ("x:[1 2 3]", "Invalid range"),
    ("');DROP TABLE package;--", "parentheses"),
    ("trailing\\", "backslash"),
])
def test_hostile_queries_get_clear_errors(bad, message):
    with pytest.raises(SearchSyntaxError, match=message):
        lucene.parse(bad)


def test_too_many_clauses_and_nesting_are_refused():
    with pytest.raises(SearchSyntaxError, match="clauses"):
        lucene.parse(" ".join(["mot"] * 2000))
    with pytest.raises(SearchSyntaxError, match="nested"):
        lucene.parse("(" * 40 + "a" + ")" * 40)


@pytest.mark.parametrize(('spec', 'clauses', 'expected'), [
    ("2<-1 5<80%", 1, 1), ("2<-1 5<80%", 2, 2), ("2<-1 5<80%", 3, 2),
    ("2<-1 5<80%", 5, 4), ("2<-1 5<80%", 10, 8), ("100%", 3, 3), ("1", 4, 1),
    ("-1", 4, 3), ("-25%", 4, 3),
])
def test_minimum_should_match(spec, clauses, expected):
    assert minimum_should_match(spec, clauses) == expected


def test_date_math():
    import datetime
    now = datetime.datetime(2026, 3, 15, 10, 30, tzinfo=datetime.timezone.utc)
    assert parse_date("NOW-1DAY", now) == now - datetime.timedelta(days=1)
    assert parse_date("NOW/DAY", now) == now.replace(hour=0, minute=0)
    assert parse_date("NOW-1MONTH/MONTH", now).isoformat() == "2026-02-01T00:00:00+00:00"
    assert parse_date("2024-01-31T00:00:00Z+1DAY", now).day == 1
    with pytest.raises(SearchSyntaxError):
        parse_date("yesterday", now)
    with pytest.raises(SearchSyntaxError):
        parse_date("NOW-1FORTNIGHT", now)
