import Testing
import OutreachCore

struct PhoneNumberTests {
    @Test(arguments: [
        ("0512345678", "+966512345678"),
        ("512345678", "+966512345678"),
        ("966512345678", "+966512345678"),
        ("00966512345678", "+966512345678"),
        ("+966512345678", "+966512345678"),
        ("+966 51 234 5678", "+966512345678"),
        ("051-234-5678", "+966512345678"),
        ("(051) 234 5678", "+966512345678"),
        ("+966 (0)51 234 5678", "+966512345678"),
        ("  0512345678 ", "+966512345678"),
        ("٠٥١٢٣٤٥٦٧٨", "+966512345678"),
        ("۰۵۱۲۳۴۵۶۷۸", "+966512345678"),
        ("+٩٦٦٥١٢٣٤٥٦٧٨", "+966512345678"),
        ("+201001234567", "+201001234567"),
        ("00201001234567", "+201001234567"),
        ("+91 98765 43210", "+919876543210"),
        ("+12025550123", "+12025550123"),
    ])
    func accepts(raw: String, expected: String) {
        #expect(PhoneNumber.normalize(raw) == expected)
    }

    @Test(arguments: [
        "",                     // empty
        "05123456",             // too short
        "051234567890",         // too long for a Saudi mobile
        "+96641234567",         // Saudi landline
        "+966412345678",        // Saudi, not a mobile
        "+96651234567",         // Saudi mobile one digit short
        "05a1234567",           // letters
        "0112345678",           // national landline
        "201001234567",         // foreign without + or 00
        "+1234567",             // 7 digits: below 8
        "+1234567890123456",    // 16 digits: above E.164
        "0512+345678",          // plus in the middle
        "+0512345678",          // country code cannot start with 0
    ])
    func rejects(raw: String) {
        #expect(PhoneNumber.normalize(raw) == nil)
    }

    @Test func substringsWork() {
        let line = "id,0512345678"
        let field = line.split(separator: ",")[1]
        #expect(PhoneNumber.normalize(field) == "+966512345678")
    }
}
