import Testing
@testable import OutreachCore

@Suite struct AudienceRuleCatalogTests {
    typealias F = AudienceRuleFixture

    static func definition(_ name: String, _ rule: String) -> AudienceDefinition {
        AudienceDefinition(name: name, title: name.uppercased(), description: "",
                           rule: SourceText(rule, file: "audiences/\(name).yaml", line: 4, column: 8))
    }

    static let definitions = [
        definition("adults", "age(birth_date) >= 18"),
        definition("riyadh", "city = 'الرياض'"),
        definition("riyadh_adults", "IN AUDIENCE adults AND IN AUDIENCE riyadh"),
        definition("outside_riyadh", "NOT IN AUDIENCE riyadh"),
        definition("adults_or_vip", "in audience adults or vip"),
    ]

    @Test func namesAndDefinitions() throws {
        let catalog = try AudienceCatalog(Self.definitions)
        #expect(catalog.names == ["adults", "riyadh", "riyadh_adults", "outside_riyadh", "adults_or_vip"])
        #expect(catalog.definition("riyadh")?.title == "RIYADH")
        #expect(catalog.definition("nope") == nil)
    }

    @Test func referencesReuseEvaluatedAudiences() throws {
        let catalog = try AudienceCatalog(Self.definitions)
        #expect(try catalog.evaluate("riyadh_adults", over: F.population, today: F.today).rows == [1])
        let all = try catalog.evaluate(["adults", "outside_riyadh", "adults_or_vip"], over: F.population, today: F.today)
        #expect(all["adults"]?.rows == [0, 1, 4])
        // membership is two-valued: row 2 (city Jeddah) is outside, and NOT of a non-member is a member
        #expect(all["outside_riyadh"]?.rows == [0, 2, 4])
        #expect(all["adults_or_vip"]?.rows == [0, 1, 3, 4])
        #expect(all.count == 3)
    }

    @Test func notInAudienceIncludesRowsUnknownThere() throws {
        // row 2 has no birth date: not an adult, so it is in "not adults"
        let catalog = try AudienceCatalog([Self.definition("adults", "age(birth_date) >= 18"),
                                           Self.definition("minors", "NOT IN AUDIENCE adults")])
        #expect(try catalog.evaluate("minors", over: F.population, today: F.today).rows == [2, 3])
    }

    @Test func threeAudienceCycleIsAnError() throws {
        let definitions = [
            Self.definition("a", "IN AUDIENCE b"),
            Self.definition("b", "IN AUDIENCE c OR vip"),
            Self.definition("c", "visits > 3 AND IN AUDIENCE a"),
            Self.definition("d", "IN AUDIENCE a"),
        ]
        let errors = AudienceCatalog.check(definitions, fieldTypes: F.population.fieldTypes)
        #expect(errors.count == 1)
        let error = try #require(errors.first)
        #expect(error.code == .cycle)
        #expect(error.message.contains("a → b → c → a"))
        #expect(error.location == SourceLocation(file: "audiences/c.yaml", line: 4, column: 35))

        let catalog = try AudienceCatalog(definitions)
        for name in ["a", "d"] {
            #expect(throws: OutreachError.self) { try catalog.evaluate(name, over: F.population, today: F.today) }
            do {
                _ = try catalog.evaluate(name, over: F.population, today: F.today)
            } catch {
                #expect(error.code == .cycle)
            }
        }
    }

    @Test func selfReferenceIsACycle() {
        let errors = AudienceCatalog.check([Self.definition("me", "vip OR IN AUDIENCE me")], fieldTypes: F.population.fieldTypes)
        #expect(errors.map(\.code) == [.cycle])
    }

    @Test func unknownAudience() throws {
        let definitions = [Self.definition("adults", "age(birth_date) >= 18"), Self.definition("x", "IN AUDIENCE adultz")]
        let errors = AudienceCatalog.check(definitions, fieldTypes: F.population.fieldTypes)
        #expect(errors.map(\.code) == [.unknownName])
        #expect(errors.first?.hint == "did you mean 'adults'?")
        #expect(errors.first?.location?.column == 20)

        let catalog = try AudienceCatalog(definitions)
        do {
            _ = try catalog.evaluate("x", over: F.population, today: F.today)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unknownName)
            #expect(error.location?.file == "audiences/x.yaml")
        }
        do {
            _ = try catalog.evaluate("nope", over: F.population, today: F.today)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .unknownName)
            #expect(error.message.contains("adults, x"))
        }
    }

    @Test func initThrowsTheFirstSyntaxError() {
        do {
            _ = try AudienceCatalog([Self.definition("ok", "vip"), Self.definition("bad", "vip AND"), Self.definition("worse", "(")])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .syntax)
            #expect(error.location?.file == "audiences/bad.yaml")
        }
    }

    @Test func checkCollectsEverything() {
        let errors = AudienceCatalog.check([
            Self.definition("ok", "vip"),
            Self.definition("bad", "vip AND"),
            Self.definition("worse", "("),
            Self.definition("typed", "citty = 'x' OR gender > 3"),
            Self.definition("ok", "vip"),
        ], fieldTypes: F.population.fieldTypes)
        #expect(errors.map(\.code) == [.syntax, .syntax, .invalidProject, .unknownField, .typeMismatch])
        #expect(AudienceCatalog.check(Self.definitions, fieldTypes: F.population.fieldTypes).isEmpty)
    }

    @Test func evaluationReportsTypeErrorsOfTheReferencedRule() throws {
        let catalog = try AudienceCatalog([Self.definition("a", "IN AUDIENCE b"), Self.definition("b", "city > 3")])
        do {
            _ = try catalog.evaluate("a", over: F.population, today: F.today)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .typeMismatch)
            #expect(error.location?.file == "audiences/b.yaml")
        }
    }
}
