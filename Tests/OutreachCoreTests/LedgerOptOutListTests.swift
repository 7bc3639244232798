import Testing
import OutreachCore

@Suite("Ledger opt-out list files")
struct LedgerOptOutListTests {
    @Test("one address per line, any line ending, blank lines skipped")
    func plainLines() {
        let list = OptOutList(text: "0512345678\r\n\n+966 51 234 5679\rHind@Example.com\n")
        #expect(list.items.map(\.address.value) == ["+966512345678", "+966512345679", "hind@example.com"])
        #expect(list.items.map(\.line) == [1, 3, 4])
        #expect(list.rejects.isEmpty && list.header == nil && list.recordsRead == 3)
    }

    @Test("CSV: first column, quoted fields, a header without digits skipped, rejects and repeats counted")
    func csv() {
        let list = OptOutList(text: "mobile,name\n\"051 234, 5678\",x\n\"0512345678\",\"a, b\"\nabc,y\n,z\n00966512345678,again\n")
        #expect(list.header == "mobile")
        #expect(list.items.map(\.address.value) == ["+966512345678"])
        #expect(list.duplicates == 1)
        #expect(list.rejects == [
            OptOutList.Reject(line: 2, value: "051 234, 5678", message: "not a mobile number or an email address"),
            OptOutList.Reject(line: 4, value: "abc", message: "not a mobile number or an email address"),
            OptOutList.Reject(line: 5, value: "", message: "the first column is empty"),
        ])
    }

    @Test("a first line with digits that does not parse is a reject, not a header")
    func notAHeader() {
        let list = OptOutList(text: "12345\n0512345678\n")
        #expect(list.header == nil)
        #expect(list.rejects.map(\.line) == [1])
        #expect(list.items.count == 1)
    }
}
