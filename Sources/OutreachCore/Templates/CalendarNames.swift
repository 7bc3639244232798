/// Month names for `{d, date, hijri}` and `{d, date, gregorian}` in Arabic
/// and English. English Hijri names avoid ICU's ʻ (U+02BB) so English SMS
/// stay in the GSM 7-bit alphabet; other languages take ICU's month names.
enum CalendarNames {
    static let hijriArabic = [
        "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة",
        "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
    ]
    static let hijriEnglish = [
        "Muharram", "Safar", "Rabi I", "Rabi II", "Jumada I", "Jumada II",
        "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhul-Qidah", "Dhul-Hijjah",
    ]
    static let gregorianArabic = [
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
        "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
    ]
    static let gregorianEnglish = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]
}
