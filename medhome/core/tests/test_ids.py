from uuid import UUID

from medhome.core.ids import new_ids


def test_new_ids_are_distinct_version_4_uuids():
    ids = new_ids(1000)
    assert len(set(ids)) == 1000
    assert {(i.version, i.variant) for i in ids} == {(4, "specified in RFC 4122")}
    assert all(UUID(str(i)) == i for i in ids[:10])
    assert new_ids(0) == []
