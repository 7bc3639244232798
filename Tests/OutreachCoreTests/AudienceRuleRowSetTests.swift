import Testing
@testable import OutreachCore

@Suite struct AudienceRuleRowSetTests {
    @Test func setOperations() {
        let a = RowSet(rows: [0, 5, 63, 64, 129], capacity: 130)
        let b = RowSet(rows: [5, 64, 100, 200, -1], capacity: 130)
        #expect(a.count == 5)
        #expect(b.rows == [5, 64, 100])
        #expect(a.union(b).rows == [0, 5, 63, 64, 100, 129])
        #expect(a.intersection(b).rows == [5, 64])
        #expect(a.subtracting(b).rows == [0, 63, 129])
        #expect(a.contains(129) && !a.contains(128) && !a.contains(130) && !a.contains(-1))
        #expect(a.complement().count == 125)
        #expect(!a.complement().contains(130))
        #expect(a.complement().complement() == a)
        #expect(RowSet(capacity: 0).rows.isEmpty)
        #expect(RowSet(words: [~0, ~0, ~0], capacity: 130).count == 130)
    }

    @Test func mixedCapacitiesReadMissingWordsAsEmpty() {
        let small = RowSet(rows: [1], capacity: 10)
        let large = RowSet(rows: [1, 100], capacity: 200)
        #expect(small.union(large).capacity == 200)
        #expect(large.subtracting(small).rows == [100])
    }
}
