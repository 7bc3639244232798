import Foundation
import Testing

/// The CLI end to end on the bundled example project and its hand-written
/// sample population (data/sample-population.csv), evaluated on a fixed day
/// so the expected counts, worked out by hand from the sample, stay true.
@Suite("CLI on the bundled example project")
struct ExampleProjectTests {
    static let today = ["--today", "2026-11-29"]

    @Test("validate accepts every bundled file")
    func validateBundledProject() throws {
        let out = try CLIRunner.run(["validate"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("ok: 11 audiences, 6 templates, 5 campaigns"))
    }

    @Test("audience counts on the sample population", arguments: [
        ("mothers", 9), ("fathers", 5), ("parents", 14), ("mothers_of_infants", 7),
        ("parents_of_school_children", 6), ("residents", 6), ("residents_permit_expiring", 3),
        ("students", 4), ("university_students", 1), ("holy_cities", 4),
    ])
    func audienceCount(name: String, expected: Int) throws {
        let out = try CLIRunner.run(["audience", "count", name, "--json"] + Self.today)
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(object["audience"] as? String == name)
        #expect(object["count"] as? Int == expected)
    }

    @Test("plain audience count prints the number alone")
    func plainCount() throws {
        let out = try CLIRunner.run(["audience", "count", "residents"] + Self.today)
        #expect(out.stdout == "6\n")
    }

    @Test("members as ids, CSV and JSON Lines")
    func members() throws {
        let ids = try CLIRunner.run(["audience", "members", "residents", "--format", "ids"] + Self.today)
        #expect(ids.status == 0)
        #expect(Set(ids.stdout.split(separator: "\n").map(String.init)) ==
                ["2012345670", "2023456781", "2034567892", "2045678903", "2056789014", "2067890125"])

        let csv = try CLIRunner.run(["audience", "members", "university_students", "--format", "csv"] + Self.today)
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("national_id,first_name,") == true)
        #expect(lines.last?.contains("1089012345,لمى,السبيعي,female,2004-12-25") == true)

        let jsonl = try CLIRunner.run(["audience", "members", "holy_cities", "--format", "jsonl"] + Self.today)
        let objects = try jsonl.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.count == 4)
        // Phones come out normalised to E.164, whatever form the registry used.
        let mobiles = Set(objects.compactMap { $0["mobile"] as? String })
        #expect(mobiles.contains("+966551112233"))
        #expect(objects.allSatisfy { ($0["children"] is Int) || $0["children"] is NSNull })
    }

    @Test("an unknown audience is a clear error")
    func unknownAudience() throws {
        let out = try CLIRunner.run(["audience", "count", "mothrs"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("no audience 'mothrs'"))
        #expect(out.stderr.contains("mothers"))
        #expect(!out.stderr.contains("Fatal"))
    }

    @Test("sms-info reports encoding, units and parts")
    func smsInfo() throws {
        let latin = try CLIRunner.run(["sms-info", "--json", "--", "Hello", "resident"])
        let l = try #require(try CLIRunner.json(latin) as? [String: Any])
        #expect(l["encoding"] as? String == "GSM-7")
        #expect(l["characters"] as? Int == 14)
        #expect(l["parts"] as? Int == 1)

        let arabic = String(repeating: "ب", count: 71)
        let a = try #require(try CLIRunner.json(try CLIRunner.run(["sms-info", "--json", "--", arabic])) as? [String: Any])
        #expect(a["encoding"] as? String == "UCS-2")
        #expect(a["units"] as? Int == 71)
        #expect(a["parts"] as? Int == 2)
    }

    @Test("render --text with --data, gendered salutation")
    func renderText() throws {
        let female = try CLIRunner.run(["render", "--text", "{salutation} {first_name}", "--data", #"{"first_name": "سارة", "gender": "female"}"#])
        #expect(female.status == 0, "\(female.stderr)")
        #expect(female.stdout == "عزيزتي سارة\n")
        let male = try CLIRunner.run(["render", "--text", "{salutation} {first_name}", "--data", #"{"first_name": "محمد", "gender": "ذكر"}"#])
        #expect(male.stdout == "عزيزي محمد\n")
    }

    @Test("render a template for a real recipient, with JSON parts")
    func renderRecipient() throws {
        let out = try CLIRunner.run(["render", "vaccination_reminder", "--recipient", "1012345678", "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let object = try #require(try CLIRunner.json(out) as? [String: Any])
        let text = try #require(object["text"] as? String)
        #expect(text.hasPrefix("عزيزتي سارة"))
        #expect(text.contains("١٤٤٨هـ"))
        #expect(text.contains("احرصي"))
        #expect(object["encoding"] as? String == "UCS-2")
        #expect((object["parts"] as? Int ?? 0) >= 2)
        #expect(object["language"] as? String == "ar")
    }

    @Test("render for an English-speaking resident uses the en variant")
    func renderEnglish() throws {
        let out = try CLIRunner.run(["render", "residency_regulation", "--recipient", "2023456781"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix("Dear resident Rahul, your residence permit expires on"))
        #expect(out.stdout.contains("2026"))
    }

    @Test("a missing field fails the render with a reason")
    func renderMissingField() throws {
        let out = try CLIRunner.run(["render", "--text", "Hello {first_name}", "--data", "{}", "--locale", "en"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("missing first_name"))
        #expect(out.stdout.isEmpty)
    }

    @Test("import-check counts and locates rejects")
    func importCheck() throws {
        let out = try CLIRunner.run(["import-check", "--json"])
        #expect(out.status == 0, "\(out.stderr)")
        let report = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(report["rowsRead"] as? Int == 24)
        #expect(report["rowsImported"] as? Int == 21)
        #expect(report["totalRejectedRows"] as? Int == 3)
        let text = try CLIRunner.run(["import-check"])
        // Wrong column count on line 21 (a quoted newline on line 4-5 shifts
        // physical lines), the duplicate id on line 22, no id on line 24.
        #expect(text.stdout.contains("21"))
        #expect(text.stdout.contains("22"))
        #expect(text.stdout.contains("24"))
        for field in ["birth_date", "gender", "mobile", "email"] {
            #expect(text.stdout.contains(field), "expected a rejected \(field) value")
        }
        let strict = try CLIRunner.run(["import-check", "--strict"])
        #expect(strict.status == 1)
    }

    @Test("preview a campaign: counts, samples, parts")
    func previewCampaign() throws {
        let out = try CLIRunner.run(["preview", "residency_notice", "--json"] + Self.today)
        #expect(out.status == 0, "\(out.stderr)")
        let preview = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(preview["recipients"] as? Int == 3)
        #expect(preview["ready"] as? Int == 3)
        let segments = try #require(preview["segments"] as? [[String: Any]])
        let samples = try #require(segments.first?["samples"] as? [[String: Any]])
        #expect(samples.count == 3)
        #expect(Set(samples.compactMap { $0["language"] as? String }) == ["en"])
        #expect((preview["totalParts"] as? Int ?? 0) >= 3)
    }

    @Test("preview of segments: priority order and unreachable people")
    func previewSegments() throws {
        let out = try CLIRunner.run(["preview", "back_to_school", "--json"] + Self.today)
        #expect(out.status == 0, "\(out.stderr)")
        let preview = try #require(try CLIRunner.json(out) as? [String: Any])
        let segments = try #require(preview["segments"] as? [[String: Any]])
        #expect(segments.map { $0["name"] as? String } == ["parents", "students"])
        #expect(segments[0]["recipients"] as? Int == 6)
        #expect(segments[1]["recipients"] as? Int == 4)
        // Joseph's mobile "12345" is invalid: one parent cannot be reached.
        let unreachable = try #require(segments[0]["unreachable"] as? [[String: Any]])
        #expect(unreachable.first?["count"] as? Int == 1)
        #expect((unreachable.first?["examples"] as? [String]) == ["2056789014"])
        let text = try CLIRunner.run(["preview", "back_to_school"] + Self.today)
        #expect(text.stdout.contains("Segment parents"))
        #expect(text.stdout.contains("SMS parts"))
    }

    @Test("preview one recipient")
    func previewRecipient() throws {
        let out = try CLIRunner.run(["preview", "vaccination_round", "--recipient", "1023456789"] + Self.today)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("عزيزتي نورة"))
        #expect(out.stdout.contains("+966507654321"))
    }
}

@Suite("CLI plan")
struct PlanCommandTests {
    @Test("relative sends: a passed one within late_within is listed as sent at launch, older ones counted as not sent")
    func relativePlan() throws {
        let out = try CLIRunner.run(["plan", "residency_notice", "--json", "--today", "2026-11-29"])
        #expect(out.status == 0, "\(out.stderr)")
        let plan = try #require(try CLIRunner.json(out) as? [String: Any])
        #expect(plan["kind"] as? String == "relative")
        #expect(plan["recipients"] as? Int == 3)
        // A launch at the start of 2026-11-29 (Riyadh): Ayesha's -7d send (permit 2026-12-05, so 2026-11-28 10:00)
        // passed 14 hours before, within late_within 2d: it goes at the launch (after the 22:00-09:00 quiet hours).
        // Two others passed longer ago: not sent.
        #expect(plan["launch"] as? String == "2026-11-28T21:00:00Z")
        #expect(plan["passed"] as? Int == 3)
        #expect(plan["passedSentLate"] as? Int == 1)
        #expect(plan["passedNotSent"] as? Int == 2)
        let sends = try #require(plan["sends"] as? [[String: Any]])
        #expect(sends.count == 4)
        #expect(sends.first?["local"] as? String == "2026-11-28 10:00")
        #expect(sends.first?["utc"] as? String == "2026-11-28T07:00:00Z")
        #expect(sends.first?["timing"] as? String == "late")
        #expect(sends.dropFirst().allSatisfy { $0["timing"] as? String == "upcoming" })
        #expect(sends.map { $0["local"] as? String } == ["2026-11-28 10:00", "2026-12-11 10:00", "2026-12-13 10:00", "2027-01-03 10:00"])
        let text = try CLIRunner.run(["plan", "residency_notice", "--today", "2026-11-29"])
        #expect(text.stdout.contains("sends already past at launch: 3 (1 sent at launch (within late_within 2d), 2 not sent)"), "\(text.stdout)")
        #expect(text.stdout.contains("passed — sent at launch (within late_within 2d)"))
    }

    @Test("fixed repetition: a Friday start moves to Saturday, weekly")
    func fixedPlan() throws {
        let out = try CLIRunner.run(["plan", "back_to_school", "--json", "--today", "2026-11-29", "--until", "2027-12-31"])
        #expect(out.status == 0, "\(out.stderr)")
        let plan = try #require(try CLIRunner.json(out) as? [String: Any])
        let sends = try #require(plan["sends"] as? [[String: Any]])
        #expect(sends.map { $0["local"] as? String } == ["2027-08-21 17:00", "2027-08-28 17:00"])
        // Moved: the 9 messages of the 10 recipients (one has no usable phone).
        #expect((sends.first?["moved"] as? [String: Int])?["friday is a skipped day"] == 9)
        #expect(plan["messages"] as? Int == 18)
        #expect(plan["leftOut"] as? [String: Int] == ["unreachable": 2])
        let text = try CLIRunner.run(["plan", "back_to_school", "--today", "2026-11-29", "--until", "2027-12-31"])
        #expect(text.stdout.contains("skips friday"))
    }

    @Test("a bad schedule is a located error")
    func badSchedule() throws {
        let dir = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "title: x\naudience: mothers\ntemplate: vaccination_reminder\nschedule:\n  start: 2027-13-01T09:00\n"
            .write(to: dir.appendingPathComponent("campaigns/bad.yaml"), atomically: true, encoding: .utf8)
        let out = try CLIRunner.run(["validate"], in: dir)
        #expect(out.status == 1)
        #expect(out.stderr.contains("bad.yaml:5:10"), "\(out.stderr)")
        #expect(out.stderr.contains("not a local date-time"))
    }
}
