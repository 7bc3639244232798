/// A deterministic generator of realistic, messy Saudi population CSV, for
/// examples, tests and benchmarks (10M rows).
///
/// Same seed and `today`, same lines. The data is messy on purpose, the way
/// real exports are: genders as M/ذكر/Female, phones in every local form
/// and in Arabic-Indic digits, city spelling variants, a few invalid dates,
/// phones and emails, a duplicate id about every 20,000 rows and a malformed
/// row about every 10,000 (a missing column, or an extra quoted field with
/// an embedded comma and newline). Lines are written into one reused byte
/// buffer with no Foundation formatters.
public struct PopulationGenerator: Sendable {
    public static let header = "national_id,first_name,family_name,gender,birth_date,nationality,city,mobile,email,language,marital_status,children,youngest_child_birth_date,student,education_level,next_vaccination,permit_expiry"

    /// The schema for `header`; columns not listed are text.
    public static let schemaYAML = """
        id: national_id
        fields:
          national_id: text
          first_name: text
          family_name: text
          gender: gender
          birth_date: date
          nationality: text
          city: text
          mobile: phone
          email: email
          language: text
          marital_status: text
          children: int
          youngest_child_birth_date: date
          student: bool
          education_level: text
          next_vaccination: hijri_date
          permit_expiry: date

        """

    private var random: SplitMix64
    private let today: Day
    private let idOffset: UInt64
    private var counter: UInt64 = 0
    private var lastID: [UInt8] = []
    private var buffer: [UInt8] = []

    public init(seed: UInt64, today: Day) {
        self.random = SplitMix64(seed: seed)
        self.today = today
        var offsets = SplitMix64(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        self.idOffset = offsets.next() % 1_000_000_000
        buffer.reserveCapacity(512)
    }

    /// One CSV record (no trailing newline; a malformed one may contain a
    /// quoted newline).
    public mutating func nextLine() -> String {
        buffer.removeAll(keepingCapacity: true)
        writeRecord()
        return String(decoding: buffer, as: UTF8.self)
    }

    // MARK: The record

    private mutating func writeRecord() {
        let citizen = random.chance(65_000)
        let nationality: Nationality = citizen ? .sa : Nationality.residents[random.weighted(Nationality.residentWeights)]
        let male = random.chance(citizen ? 50_000 : 70_000)
        let age: Int
        if citizen {
            let band = random.below(100)
            age = band < 35 ? random.below(18) : band < 85 ? 18 + random.below(42) : 60 + random.below(26)
        } else {
            let band = random.below(100)
            age = band < 12 ? random.below(18) : band < 95 ? 20 + random.below(41) : 61 + random.below(10)
        }
        let birth = today.adding(days: -(age * 365 + age / 4 + random.below(365)))

        // national_id
        if !lastID.isEmpty && random.chance(5) {
            buffer.append(contentsOf: lastID)        // a duplicate, ~1 in 20,000
        } else {
            let start = buffer.count
            buffer.append(citizen ? UInt8(ascii: "1") : UInt8(ascii: "2"))
            let n = (counter &* 387_420_489 &+ idOffset) % 1_000_000_000
            counter += 1
            writeNumber(Int(n), width: 9)
            lastID = Array(buffer[start...])
        }
        comma()

        // first_name, family_name
        let arabic = nationality.speaksArabic
        let names = arabic ? (nationality == .eg ? Names.egyptian : Names.arabic) : Names.latin(nationality)
        let firstList = male ? names.male : names.female
        let first = firstList[random.below(firstList.count)]
        let family = names.family[random.below(names.family.count)]
        write(first.0)
        comma()
        if !arabic && random.chance(1_000) {
            quoted(family.0 + ", Jr.")               // valid CSV: a quoted comma
        } else {
            write(family.0)
        }
        comma()

        // gender
        let g = random.below(100_000)
        if g < 1_000 {
        } else if g < 1_100 {
            write("x")
        } else {
            let forms = male ? Forms.male : Forms.female
            write(forms[random.below(forms.count)])
        }
        comma()

        // birth_date
        if random.chance(200) {
            if random.chance(50_000) { write("2001-02-30") } else {
                let c = birth.components
                writeNumber(c.day, width: 2); write("/"); writeNumber(c.month, width: 2); write("/"); writeNumber(c.year, width: 4)
            }
        } else {
            writeDay(birth)
        }
        comma()

        write(nationality.code)
        comma()
        writeCity()
        comma()
        writeMobile()
        comma()
        writeEmail(first: first.1, family: family.1)
        comma()

        // language
        if !random.chance(1_000) {
            write(arabic || random.chance(10_000) ? "ar" : "en")
        }
        comma()

        // marital_status, children, youngest_child_birth_date
        var children = 0
        if age < 18 {
            write("single")
        } else {
            let m = random.below(100)
            let status: String
            if age < 25 {
                status = m < 75 ? "single" : "married"
            } else {
                status = m < 15 ? "single" : m < 80 ? "married" : m < 88 ? "divorced" : age > 55 ? "widowed" : "married"
            }
            write(status)
            if status != "single" {
                children = random.weighted([10, 15, 20, 20, 15, 10, 5, 3, 2])
                if age < 22 { children = min(children, 1) }
            }
        }
        comma()
        writeNumber(children, width: 1)
        comma()
        var youngestDays = -1
        if children > 0 {
            let maxAge = max(0, min(18, age - 18))
            youngestDays = random.below(maxAge * 365 + 365)
            writeDay(today.adding(days: -youngestDays))
        }
        comma()

        // student, education_level
        let studying = (6...18).contains(age) ? random.chance(95_000) : (19...24).contains(age) ? random.chance(60_000) : random.chance(2_000)
        write(studying ? Forms.truthy[random.below(Forms.truthy.count)] : Forms.falsy[random.below(Forms.falsy.count)])
        comma()
        switch age {
        case ..<6: break
        case 6...11: write("primary")
        case 12...14: write("intermediate")
        case 15...17: write("secondary")
        default:
            if studying && age <= 24 { write("university") } else {
                let e = random.below(100)
                if e < 35 { write("secondary") } else if e < 70 { write("university") } else if e < 80 { write("primary") }
            }
        }
        comma()

        // next_vaccination (Hijri), for some parents of young children
        if youngestDays >= 0, youngestDays < 7 * 365, random.chance(30_000),
           let h = UmmAlQura.hijri(today.adding(days: random.below(121))) {
            writeNumber(h.year, width: 4); write("-"); writeNumber(h.month, width: 2); write("-"); writeNumber(h.day, width: 2)
            let s = random.below(10)
            if s < 2 { write(" هـ") } else if s < 4 { write("هـ") }
        }
        comma()

        // permit_expiry
        if !citizen {
            writeDay(today.adding(days: random.below(461) - 60))
        }

        // Now and then a malformed row.
        if random.chance(10) {
            if random.chance(50_000) {
                if let lastComma = buffer.lastIndex(of: UInt8(ascii: ",")) { buffer.removeSubrange(lastComma...) }
            } else {
                write(",\"see note, attached\nsecond line\"")
            }
        }
    }

    private mutating func writeCity() {
        let c = Cities.all[random.weighted(Cities.weights)]
        let name = c.count > 1 && random.chance(15_000) ? c[1 + random.below(c.count - 1)] : c[0]
        let mess = random.below(100)
        if mess == 0 { write(" ") }
        if mess == 1, let space = name.firstIndex(of: " ") {
            write(String(name[..<space]) + "  " + String(name[name.index(after: space)...]))
        } else {
            write(name)
        }
        if mess == 2 { write("  ") }
    }

    private mutating func writeMobile() {
        let r = random.below(100_000)
        if r < 2_000 { return }                                   // blank
        if r < 3_000 {                                            // invalid
            write(Forms.badMobiles[random.below(Forms.badMobiles.count)])
            return
        }
        let start = buffer.count
        let operatorDigit = Forms.mobileOperators[random.below(Forms.mobileOperators.count)]
        let number = random.below(10_000_000)
        let form = random.below(100)
        func national() {
            writeNumber(operatorDigit, width: 1)
            writeNumber(number, width: 7)
        }
        switch form {
        case ..<40: write("05"); national()
        case ..<50: write("5"); national()
        case ..<65: write("+9665"); national()
        case ..<73: write("009665"); national()
        case ..<80: write("9665"); national()
        case ..<86:
            write("05"); writeNumber(operatorDigit, width: 1); write(" ")
            writeNumber(number / 10_000, width: 3); write(" "); writeNumber(number % 10_000, width: 4)
        case ..<92:
            write("+966 5"); writeNumber(operatorDigit, width: 1); write(" ")
            writeNumber(number / 10_000, width: 3); write(" "); writeNumber(number % 10_000, width: 4)
        default:
            write("05"); writeNumber(operatorDigit, width: 1); write("-")
            writeNumber(number / 10_000, width: 3); write("-"); writeNumber(number % 10_000, width: 4)
        }
        if random.chance(5_000) {                                 // Arabic-Indic digits
            let ascii = Array(buffer[start...])
            buffer.removeSubrange(start...)
            for c in ascii {
                if c >= 0x30 && c <= 0x39 {
                    buffer.append(0xD9)
                    buffer.append(0xA0 + (c - 0x30))
                } else {
                    buffer.append(c)
                }
            }
        }
    }

    private mutating func writeEmail(first: String, family: String) {
        let r = random.below(100_000)
        if r < 500 {
            write(first); write(Forms.badEmailEnds[random.below(Forms.badEmailEnds.count)])
            return
        }
        guard r < 40_000 else { return }
        let domain = Forms.emailDomains[random.below(Forms.emailDomains.count)]
        let upper = random.chance(5_000)
        write(upper ? first.uppercased() : first)
        write(".")
        write(family)
        if random.chance(40_000) { writeNumber(random.below(1000), width: 1) }
        write("@")
        write(upper ? domain.uppercased() : domain)
    }

    // MARK: Writing bytes

    @inline(__always) private mutating func comma() { buffer.append(UInt8(ascii: ",")) }

    @inline(__always) private mutating func write(_ s: String) { buffer.append(contentsOf: s.utf8) }

    private mutating func quoted(_ s: String) {
        buffer.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            if c == UInt8(ascii: "\"") { buffer.append(c) }
            buffer.append(c)
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Decimal digits of a non-negative number, zero-padded to `width`.
    private mutating func writeNumber(_ value: Int, width: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = max(0, value), count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(n % 10) + 0x30
                n /= 10
                count += 1
            } while n > 0 && count < 12
            while count < width && count < 12 {
                d[count] = 0x30
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }

    private mutating func writeDay(_ day: Day) {
        let c = day.components
        writeNumber(c.year, width: 4)
        buffer.append(UInt8(ascii: "-"))
        writeNumber(c.month, width: 2)
        buffer.append(UInt8(ascii: "-"))
        writeNumber(c.day, width: 2)
    }
}

/// Spellings the generator mixes, kept as constants so no line allocates them.
private enum Forms {
    static let male = ["male", "male", "male", "male", "M", "m", "ذكر", "Male"]
    static let female = ["female", "female", "female", "F", "f", "أنثى", "انثى", "Female"]
    static let truthy = ["true", "true", "yes", "1", "نعم", "TRUE", "Yes"]
    static let falsy = ["false", "false", "no", "0", "لا", "False"]
    static let badMobiles = ["0512345", "+966412345678", "05a1234567", "12345", "+9665123", "0501234567890"]
    static let mobileOperators = [0, 3, 4, 5, 6, 8, 9]
    static let badEmailEnds = ["@gmail", " gmail.com", "@@gmail.com"]
    static let emailDomains = ["gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "icloud.com", "stc.com.sa"]
}
