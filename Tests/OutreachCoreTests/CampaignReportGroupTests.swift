import OutreachCore
import Testing

@Suite("Report lines by occurrence")
struct CampaignReportGroupTests {
    @Test("relative sends group by offset; fixed occurrences and each day's send --now keep their own line",
          arguments: [
              ("-7d@2027-03-01", "-7d"), ("+1d@2027-03-01", "+1d"), ("g2:-7d@2027-03-01", "g2:-7d"),
              ("#2", "#2"), ("g3:#1", "g3:#1"),
              ("now@2026-12-07", "now@2026-12-07"), ("g2:now@2026-12-08", "g2:now@2026-12-08"), ("round-1", "round-1"),
          ])
    func groups(key: String, group: String) {
        #expect(CampaignReport.occurrenceGroup(key) == group)
    }
}
