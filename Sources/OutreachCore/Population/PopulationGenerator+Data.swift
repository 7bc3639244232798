// Names, nationalities and cities the generator draws from.

enum Nationality: Equatable {
    case sa, eg, `in`, pk, ph, bd, ye, sd, jo, id, np

    var code: String {
        switch self {
        case .sa: return "SA"
        case .eg: return "EG"
        case .in: return "IN"
        case .pk: return "PK"
        case .ph: return "PH"
        case .bd: return "BD"
        case .ye: return "YE"
        case .sd: return "SD"
        case .jo: return "JO"
        case .id: return "ID"
        case .np: return "NP"
        }
    }

    var speaksArabic: Bool { self == .sa || self == .eg || self == .ye || self == .sd || self == .jo }

    static let residents: [Nationality] = [.eg, .in, .pk, .ph, .bd, .ye, .sd, .jo, .id, .np]
    static let residentWeights = [20, 22, 15, 10, 10, 8, 5, 4, 3, 3]
}

/// (name as written, Latin e-mail handle: lower case, no spaces)
typealias GeneratedName = (String, String)

struct Names {
    var male: [GeneratedName]
    var female: [GeneratedName]
    var family: [GeneratedName]

    static let arabicMale: [GeneratedName] = [
        ("محمد", "mohammed"), ("عبدالله", "abdullah"), ("أحمد", "ahmed"), ("خالد", "khalid"), ("فهد", "fahad"),
        ("سلطان", "sultan"), ("عبدالرحمن", "abdulrahman"), ("فيصل", "faisal"), ("سعود", "saud"), ("عمر", "omar"),
        ("يوسف", "yousef"), ("إبراهيم", "ibrahim"), ("ناصر", "nasser"), ("تركي", "turki"), ("ماجد", "majed"),
        ("علي", "ali"), ("حسن", "hassan"), ("مشعل", "mishal"), ("بندر", "bandar"), ("سعد", "saad"),
    ]
    static let arabicFemale: [GeneratedName] = [
        ("سارة", "sara"), ("نورة", "noura"), ("فاطمة", "fatimah"), ("مريم", "maryam"), ("عائشة", "aisha"),
        ("هند", "hind"), ("ريم", "reem"), ("لطيفة", "latifa"), ("منيرة", "munira"), ("العنود", "alanoud"),
        ("جواهر", "jawaher"), ("أمل", "amal"), ("هيفاء", "haifa"), ("شهد", "shahad"), ("لمى", "lama"),
        ("رنا", "rana"), ("دانة", "dana"), ("غادة", "ghada"), ("خديجة", "khadija"), ("ليلى", "layla"),
    ]

    static let arabic = Names(male: arabicMale, female: arabicFemale, family: [
        ("القحطاني", "alqahtani"), ("العتيبي", "alotaibi"), ("الغامدي", "alghamdi"), ("الزهراني", "alzahrani"),
        ("الشهري", "alshehri"), ("الدوسري", "aldosari"), ("الحربي", "alharbi"), ("المطيري", "almutairi"),
        ("العنزي", "alanazi"), ("السبيعي", "alsubaie"), ("الشمري", "alshammari"), ("القرشي", "alqurashi"),
        ("الأنصاري", "alansari"), ("الخالدي", "alkhalidi"), ("العمري", "alomari"), ("بن سعيد", "binsaeed"),
    ])

    static let egyptian = Names(male: arabicMale, female: arabicFemale, family: [
        ("عبدالفتاح", "abdelfattah"), ("المصري", "elmasry"), ("حسين", "hussein"), ("السيد", "elsayed"),
        ("عبدالعزيز", "abdelaziz"), ("محمود", "mahmoud"), ("فؤاد", "fouad"), ("الشافعي", "elshafei"),
    ])

    static let indian = Names(
        male: [("Rajesh", "rajesh"), ("Suresh", "suresh"), ("Amit", "amit"), ("Vikram", "vikram"), ("Arjun", "arjun"),
               ("Rahul", "rahul"), ("Anil", "anil"), ("Mohammed", "mohammed"), ("Joseph", "joseph")],
        female: [("Priya", "priya"), ("Anjali", "anjali"), ("Sunita", "sunita"), ("Deepa", "deepa"), ("Kavya", "kavya")],
        family: [("Kumar", "kumar"), ("Sharma", "sharma"), ("Patel", "patel"), ("Nair", "nair"), ("Reddy", "reddy"),
                 ("Singh", "singh"), ("Menon", "menon"), ("Pillai", "pillai")])

    static let pakistani = Names(
        male: [("Imran", "imran"), ("Bilal", "bilal"), ("Usman", "usman"), ("Asif", "asif"), ("Tariq", "tariq"), ("Zeeshan", "zeeshan")],
        female: [("Ayesha", "ayesha"), ("Sana", "sana"), ("Hina", "hina"), ("Fatima", "fatima")],
        family: [("Khan", "khan"), ("Hussain", "hussain"), ("Qureshi", "qureshi"), ("Butt", "butt"), ("Malik", "malik"),
                 ("Chaudhry", "chaudhry")])

    static let filipino = Names(
        male: [("Jose", "jose"), ("Mark", "mark"), ("John Paul", "johnpaul"), ("Rommel", "rommel"), ("Jericho", "jericho")],
        female: [("Maria", "maria"), ("Grace", "grace"), ("Joy", "joy"), ("Kristine", "kristine"), ("Mary Ann", "maryann")],
        family: [("Santos", "santos"), ("Reyes", "reyes"), ("Cruz", "cruz"), ("Bautista", "bautista"),
                 ("Dela Cruz", "delacruz"), ("Garcia", "garcia"), ("Mendoza", "mendoza")])

    static let bangladeshi = Names(
        male: [("Rahim", "rahim"), ("Karim", "karim"), ("Shafiqul", "shafiqul"), ("Mizanur", "mizanur")],
        female: [("Nasrin", "nasrin"), ("Shirin", "shirin"), ("Rupa", "rupa")],
        family: [("Rahman", "rahman"), ("Hossain", "hossain"), ("Islam", "islam"), ("Uddin", "uddin"), ("Akter", "akter")])

    static let indonesian = Names(
        male: [("Budi", "budi"), ("Agus", "agus"), ("Dedi", "dedi")],
        female: [("Siti", "siti"), ("Dewi", "dewi"), ("Sri", "sri")],
        family: [("Santoso", "santoso"), ("Wijaya", "wijaya"), ("Hidayat", "hidayat"), ("Saputra", "saputra")])

    static let nepali = Names(
        male: [("Ram", "ram"), ("Bikash", "bikash"), ("Suman", "suman")],
        female: [("Sita", "sita"), ("Gita", "gita"), ("Anita", "anita")],
        family: [("Shrestha", "shrestha"), ("Gurung", "gurung"), ("Tamang", "tamang"), ("Thapa", "thapa")])

    static func latin(_ nationality: Nationality) -> Names {
        switch nationality {
        case .in: return indian
        case .pk: return pakistani
        case .ph: return filipino
        case .bd: return bangladeshi
        case .id: return indonesian
        case .np: return nepali
        default: return arabic
        }
    }
}

enum Cities {
    /// Each city: its usual spelling first, then variants seen in exports.
    static let all: [[String]] = [
        ["الرياض", "الرّياض"],
        ["جدة", "جده"],
        ["مكة المكرمة", "مكه المكرمه", "مكة"],
        ["المدينة المنورة", "المدينه المنوره"],
        ["الدمام"],
        ["الطائف"],
        ["تبوك"],
        ["أبها", "ابها"],
        ["بريدة", "بريده"],
        ["حائل"],
    ]
    static let weights = [30, 18, 10, 7, 10, 6, 4, 5, 5, 5]
}
