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

/// (name as written, Latin form for e-mail addresses)
typealias GeneratedName = (String, String)

struct Names {
    var male: [GeneratedName]
    var female: [GeneratedName]
    var family: [GeneratedName]

    static let arabicMale: [GeneratedName] = [
        ("محمد", "Mohammed"), ("عبدالله", "Abdullah"), ("أحمد", "Ahmed"), ("خالد", "Khalid"), ("فهد", "Fahad"),
        ("سلطان", "Sultan"), ("عبدالرحمن", "Abdulrahman"), ("فيصل", "Faisal"), ("سعود", "Saud"), ("عمر", "Omar"),
        ("يوسف", "Yousef"), ("إبراهيم", "Ibrahim"), ("ناصر", "Nasser"), ("تركي", "Turki"), ("ماجد", "Majed"),
        ("علي", "Ali"), ("حسن", "Hassan"), ("مشعل", "Mishal"), ("بندر", "Bandar"), ("سعد", "Saad"),
    ]
    static let arabicFemale: [GeneratedName] = [
        ("سارة", "Sara"), ("نورة", "Noura"), ("فاطمة", "Fatimah"), ("مريم", "Maryam"), ("عائشة", "Aisha"),
        ("هند", "Hind"), ("ريم", "Reem"), ("لطيفة", "Latifa"), ("منيرة", "Munira"), ("العنود", "Alanoud"),
        ("جواهر", "Jawaher"), ("أمل", "Amal"), ("هيفاء", "Haifa"), ("شهد", "Shahad"), ("لمى", "Lama"),
        ("رنا", "Rana"), ("دانة", "Dana"), ("غادة", "Ghada"), ("خديجة", "Khadija"), ("ليلى", "Layla"),
    ]

    static let arabic = Names(male: arabicMale, female: arabicFemale, family: [
        ("القحطاني", "Alqahtani"), ("العتيبي", "Alotaibi"), ("الغامدي", "Alghamdi"), ("الزهراني", "Alzahrani"),
        ("الشهري", "Alshehri"), ("الدوسري", "Aldosari"), ("الحربي", "Alharbi"), ("المطيري", "Almutairi"),
        ("العنزي", "Alanazi"), ("السبيعي", "Alsubaie"), ("الشمري", "Alshammari"), ("القرشي", "Alqurashi"),
        ("الأنصاري", "Alansari"), ("الخالدي", "Alkhalidi"), ("العمري", "Alomari"), ("بن سعيد", "Bin Saeed"),
    ])

    static let egyptian = Names(male: arabicMale, female: arabicFemale, family: [
        ("عبدالفتاح", "Abdelfattah"), ("المصري", "Elmasry"), ("حسين", "Hussein"), ("السيد", "Elsayed"),
        ("عبدالعزيز", "Abdelaziz"), ("محمود", "Mahmoud"), ("فؤاد", "Fouad"), ("الشافعي", "Elshafei"),
    ])

    static let indian = Names(
        male: [("Rajesh", "Rajesh"), ("Suresh", "Suresh"), ("Amit", "Amit"), ("Vikram", "Vikram"), ("Arjun", "Arjun"),
               ("Rahul", "Rahul"), ("Anil", "Anil"), ("Mohammed", "Mohammed"), ("Joseph", "Joseph")],
        female: [("Priya", "Priya"), ("Anjali", "Anjali"), ("Sunita", "Sunita"), ("Deepa", "Deepa"), ("Kavya", "Kavya")],
        family: [("Kumar", "Kumar"), ("Sharma", "Sharma"), ("Patel", "Patel"), ("Nair", "Nair"), ("Reddy", "Reddy"),
                 ("Singh", "Singh"), ("Menon", "Menon"), ("Pillai", "Pillai")])

    static let pakistani = Names(
        male: [("Imran", "Imran"), ("Bilal", "Bilal"), ("Usman", "Usman"), ("Asif", "Asif"), ("Tariq", "Tariq"), ("Zeeshan", "Zeeshan")],
        female: [("Ayesha", "Ayesha"), ("Sana", "Sana"), ("Hina", "Hina"), ("Fatima", "Fatima")],
        family: [("Khan", "Khan"), ("Hussain", "Hussain"), ("Qureshi", "Qureshi"), ("Butt", "Butt"), ("Malik", "Malik"),
                 ("Chaudhry", "Chaudhry")])

    static let filipino = Names(
        male: [("Jose", "Jose"), ("Mark", "Mark"), ("John Paul", "John Paul"), ("Rommel", "Rommel"), ("Jericho", "Jericho")],
        female: [("Maria", "Maria"), ("Grace", "Grace"), ("Joy", "Joy"), ("Kristine", "Kristine"), ("Mary Ann", "Mary Ann")],
        family: [("Santos", "Santos"), ("Reyes", "Reyes"), ("Cruz", "Cruz"), ("Bautista", "Bautista"),
                 ("Dela Cruz", "Dela Cruz"), ("Garcia", "Garcia"), ("Mendoza", "Mendoza")])

    static let bangladeshi = Names(
        male: [("Rahim", "Rahim"), ("Karim", "Karim"), ("Shafiqul", "Shafiqul"), ("Mizanur", "Mizanur")],
        female: [("Nasrin", "Nasrin"), ("Shirin", "Shirin"), ("Rupa", "Rupa")],
        family: [("Rahman", "Rahman"), ("Hossain", "Hossain"), ("Islam", "Islam"), ("Uddin", "Uddin"), ("Akter", "Akter")])

    static let indonesian = Names(
        male: [("Budi", "Budi"), ("Agus", "Agus"), ("Dedi", "Dedi")],
        female: [("Siti", "Siti"), ("Dewi", "Dewi"), ("Sri", "Sri")],
        family: [("Santoso", "Santoso"), ("Wijaya", "Wijaya"), ("Hidayat", "Hidayat"), ("Saputra", "Saputra")])

    static let nepali = Names(
        male: [("Ram", "Ram"), ("Bikash", "Bikash"), ("Suman", "Suman")],
        female: [("Sita", "Sita"), ("Gita", "Gita"), ("Anita", "Anita")],
        family: [("Shrestha", "Shrestha"), ("Gurung", "Gurung"), ("Tamang", "Tamang"), ("Thapa", "Thapa")])

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
