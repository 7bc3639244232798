import OutreachCore

/// The schema and the small population the targets share: the bundled
/// project's schema plus a decimal field, so every field type is there.
enum FuzzPopulation {
    static let schema = PopulationSchema(idField: "national_id", fields: [
        "national_id": .text, "first_name": .text, "family_name": .text, "gender": .gender,
        "birth_date": .date, "nationality": .text, "city": .text, "mobile": .phone, "email": .email,
        "language": .text, "marital_status": .text, "children": .int, "youngest_child_birth_date": .date,
        "student": .bool, "education_level": .text, "next_vaccination": .hijriDate, "permit_expiry": .date,
        "score": .decimal,
    ])

    /// The day rules and schedules are evaluated on.
    static let today = Day(year: 2026, month: 11, day: 29)!

    /// Rows at the edges: every value missing, the largest and smallest
    /// numbers, the first and last days the types take, Arabic and Latin text.
    static let csv = """
        national_id,first_name,family_name,gender,birth_date,nationality,city,mobile,email,language,marital_status,children,youngest_child_birth_date,student,education_level,next_vaccination,permit_expiry,score
        1012345678,سارة,القحطاني,أنثى,1994-03-12,SA,الرياض,0551234567,sara.q@example.sa,ar,married,2,2025-08-01,no,,1448-06-25هـ,,4.5
        1023456789,Ahmed,,M,1900-01-01,EG,جدة,+966 50 765 4321,,en,single,0,,yes,university,,2026-12-01,-0.5
        1034567890,,,,,,,,,,,,,,,,,
        1045678901,نورة,العتيبي,F,2026-11-29,SA,مكة,0500000000,n@example.com,ar-SA,married,9223372036854775807,2026-11-29,نعم,,1447-06-11,9999-12-31,1e308
        1056789012,Zed,X,male,0001-01-01,IN,Riyadh,123,bad@,fil,widowed,-9223372036854775808,1800-02-29,0,,1300-01-01,1000-01-01,-2.0005
        """

    static let population: Population = importCSV()

    private static func importCSV() -> Population {
        var importer = PopulationImporter(schema: schema, format: .csv, fileName: "fuzz-population.csv")
        do {
            // An untyped closure: a typed-throws one here crashes Swift 6.3.1's optimizer.
            try Array(csv.utf8).withUnsafeBytes { bytes in try importer.consume(bytes) }
            return try importer.finish().0
        } catch {
            fatalError("the fuzz population does not import: \(error)")
        }
    }
}
