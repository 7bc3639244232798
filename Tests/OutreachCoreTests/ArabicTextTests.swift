import Testing
@testable import OutreachCore

@Suite struct ArabicTextTests {
    @Test(arguments: [
        ("مكه  المكرمه", "مكة المكرمة"),
        ("الرّياض", "الرياض"),
        ("أحمد", "احمد"),
        ("إبراهيم", "ابراهيم"),
        ("آمنة", "امنه"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("مـــحـمـد", "محمد"),
        ("مُحَمَّدٌ", "محمد"),
        ("  Riyadh   CITY ", "riyadh city"),
        ("حي ٣", "حي 3"),
        ("ﻻ", "لا"),            // presentation-form ligature, by NFKC
        ("ﬁle", "file"),        // Latin ligature, by NFKC
        ("یاسر", "ياسر"),       // Persian yeh
        ("\tجدة\n", "جده"),
    ])
    func equalAfterNormalising(_ a: String, _ b: String) {
        #expect(ArabicText.normalize(a) == ArabicText.normalize(b))
    }

    @Test(arguments: [
        ("الرياض", "جدة"),
        ("محمد", "محمود"),
        ("abc", "abd"),
        ("ب", "ت"),
    ])
    func differentStayDifferent(_ a: String, _ b: String) {
        #expect(ArabicText.normalize(a) != ArabicText.normalize(b))
    }

    @Test func exactKeys() {
        #expect(ArabicText.normalize("  Hello \t  World  ") == "hello world")
        #expect(ArabicText.normalize("") == "")
        #expect(ArabicText.normalize("   ") == "")
        #expect(ArabicText.normalize("مدينةُ  الرِّياضِ") == "مدينه الرياض")
        #expect(ArabicText.normalize("ÉCOLE") == "école")
        #expect(ArabicText.normalize("ABC-123_x") == "abc-123_x")
    }

    @Test func asciiFastPathMatchesUnicodePath() {
        // Same Latin text with and without a trailing Arabic letter must fold the Latin part alike.
        let ascii = ArabicText.normalize("  MiXeD  Case\tText ")
        let unicode = ArabicText.normalize("  MiXeD  Case\tText ب")
        #expect(unicode == ascii + " ب")
    }
}
