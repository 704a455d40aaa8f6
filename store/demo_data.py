"""The demo's word lists: per country its names, companies, cities, streets and number formats, and per language
the mailbox and comments. Pure data, read by `store.demo`, which turns it into customers in one SQL statement.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """One country's word lists. Lists are "|"-separated; "display=slug" gives the ASCII form used in e-mail
    addresses and domains where it cannot be derived (Greek, Cyrillic, Japanese); "male/female" surname forms."""

    code: str
    name: str
    currency: str
    weight: int  # share of demo customers, out of 100
    entity: str  # entity owning ~10% of its customers ("" = always top level)
    lang: str
    last_first: bool  # personal names written surname first
    middle_pct: int
    prefixes: str  # male|female|doctor
    male: str
    female: str
    last: str
    companies: str  # pattern~domain; {L}/{l} a surname, {C}/{c} the city
    cities: str  # zip~city~state~phone template[~slug]; phone digits are the letters a-i
    streets: str  # {n} house number, {m} 1-9
    extra: str  # address line 2
    mobile: str
    taxid: str  # digits are the letters a-l


# fmt: off
COUNTRIES = (
    Country("FR", "France", "EUR", 16, "EU", "fr", False, 20, "M.|Mme|Dr",
        "Jean|François|Benoît|Théo|Loïc|Jérôme|Stéphane|Hervé|Mathéo|Rémi|Nicolas|Pierre",
        "Élodie|Hélène|Chloé|Léa|Gaëlle|Anaïs|Cécile|Françoise|Maëlle|Inès|Camille|Sophie",
        "Dupont|Lefèvre|Moreau|Girard|Rousseau|Faure|Mercier|Lambert|Chevalier|Bézier|Mégret|Laurent|Dubois",
        "{L} et Fils~{l}-et-fils|Société Générale des Eaux de {C}~sge-{c}|Boulangerie {L}~boulangerie-{l}"
        "|Transports {L} SARL~transports-{l}|{L} Conseil SAS~{l}-conseil|Imprimerie {L} & Cie~imprimerie-{l}",
        "06000~Nice~Provence-Alpes-Côte d'Azur~+33 4 93 ab cd ef|75008~Paris~Île-de-France~+33 1 ab cd ef gh"
        "|69002~Lyon~Auvergne-Rhône-Alpes~+33 4 78 ab cd ef|31000~Toulouse~Occitanie~+33 5 61 ab cd ef"
        "|01000~Bourg-en-Bresse~Auvergne-Rhône-Alpes~+33 4 74 ab cd ef|59000~Lille~Hauts-de-France~+33 3 20 ab cd ef",
        "{n} rue de la République|{n} avenue Jean-Jaurès|{n} boulevard Haussmann|{n} chemin des Églantiers",
        "Bâtiment B|3e étage|CS 30012|Zone d'activités des Forges", "+33 6 ab cd ef gh", "FRabcdefghijk"),
    Country("DE", "Germany", "EUR", 16, "EU", "de", False, 15, "Herr|Frau|Dr.",
        "Jürgen|Björn|Lukas|Maximilian|Jörg|Günther|Stefan|Matthias|Sören|Tobias|Uwe|Klaus",
        "Katharina|Anja|Hannelore|Jutta|Lea|Birgit|Dörte|Ursula|Mareike|Sabine|Käthe|Jana",
        "Müller|Schröder|Weiß|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schäfer|Krüger|Hoffmann|Groß",
        "{L} & Söhne GmbH~{l}-soehne|{L} Maschinenbau AG~{l}-maschinenbau|{L} Logistik GmbH & Co. KG~{l}-logistik"
        "|Bäckerei {L} e.K.~baeckerei-{l}|Stadtwerke {C}~stadtwerke-{c}|Weingut {L}~weingut-{l}",
        "10115~Berlin~Berlin~+49 30 abcdefgh|80331~München~Bayern~+49 89 abcdefg|50667~Köln~Nordrhein-Westfalen"
        "~+49 221 abcdefg|20095~Hamburg~Hamburg~+49 40 abcdefgh|70173~Stuttgart~Baden-Württemberg~+49 711 abcdefg"
        "|04109~Leipzig~Sachsen~+49 341 abcdefg|01067~Dresden~Sachsen~+49 351 abcdefg",
        "Hauptstraße {n}|Bahnhofstraße {n}|Königsallee {n}|Schillerstraße {n}|Am Güterbahnhof {n}|Lindenweg {n}",
        "2. OG|Hinterhaus|Gebäude C", "+49 17a bcdefgh", "DEabcdefghi"),
    Country("ES", "Spain", "EUR", 10, "EU", "es", False, 30, "Sr.|Sra.|Dr.",
        "José|Javier|Álvaro|Andrés|Jesús|Rubén|Sergio|Joaquín|Íñigo|Raúl|Martín|Carlos",
        "María|Lucía|Inés|Sofía|Begoña|Mónica|Nuria|Pilar|Ainhoa|Verónica|Rocío|Carmen",
        "García|Fernández|González|Rodríguez|López|Martínez|Sánchez|Pérez|Muñoz|Núñez|Peña|Ibáñez|Jiménez",
        "Distribuciones {L} S.L.~distribuciones-{l}|Construcciones {L} y Asociados S.A.~construcciones-{l}"
        "|Transportes {C} S.L.~transportes-{c}|Bodegas {L} S.A.~bodegas-{l}|Panadería {L} S.L.~panaderia-{l}",
        "28001~Madrid~Comunidad de Madrid~+34 91a bcd efg|08001~Barcelona~Cataluña~+34 93a bcd efg|41001~Sevilla"
        "~Andalucía~+34 95a bcd efg|46001~València~Comunitat Valenciana~+34 96a bcd efg|48001~Bilbao~País Vasco"
        "~+34 94a bcd efg|29001~Málaga~Andalucía~+34 95a bcd efg|15001~A Coruña~Galicia~+34 981 abc def",
        "Calle Mayor, {n}|Avenida de la Constitución, {n}|Calle de Alcalá, {n}|Plaza de España, {n}|Calle Real, {n}",
        "2º B|Planta 3|Local 4|Polígono Industrial Las Águilas", "+34 6ab cde fgh", "ESBabcdefgh"),
    Country("PL", "Poland", "PLN", 8, "EU", "pl", False, 10, "Pan|Pani|dr",
        "Łukasz|Paweł|Michał|Grzegorz|Wojciech|Krzysztof|Tomasz|Jędrzej|Piotr|Marek|Bartłomiej",
        "Zofia|Małgorzata|Agnieszka|Katarzyna|Joanna|Urszula|Bożena|Jadwiga|Ewa|Magdalena|Łucja",
        "Kowalski/Kowalska|Wiśniewski/Wiśniewska|Wójcik|Kowalczyk|Kamiński/Kamińska|Lewandowski/Lewandowska"
        "|Zieliński/Zielińska|Szymański/Szymańska|Woźniak|Dąbrowski/Dąbrowska|Kozłowski/Kozłowska|Mazur|Żak",
        "{L} i Synowie Sp. z o.o.~{l}-i-synowie|Przedsiębiorstwo Handlowe {L}~ph-{l}|Zakład Stolarski {L}~stolarz-{l}"
        "|Łódzkie Zakłady Włókiennicze S.A.~lzw|{L} Transport Sp.j.~{l}-transport|Hurtownia Spożywcza {L}~hs-{l}",
        "00-950~Warszawa~mazowieckie~+48 22 abc de fg|90-001~Łódź~łódzkie~+48 42 abc de fg|30-001~Kraków~małopolskie"
        "~+48 12 abc de fg|80-001~Gdańsk~pomorskie~+48 58 abc de fg|50-001~Wrocław~dolnośląskie~+48 71 abc de fg",
        "ul. Marszałkowska {n}|ul. Piotrkowska {n}|ul. Długa {n}|al. Jerozolimskie {n}|ul. Świętokrzyska {n}",
        "lok. 4|piętro 2|budynek B", "+48 5ab cde fgh", "PLabcdefghij"),
    Country("DK", "Denmark", "DKK", 4, "EU", "da", False, 20, "Hr.|Fru|Dr.",
        "Søren|Jørgen|Mads|Rasmus|Frederik|Anders|Bjørn|Nikolaj|Morten|Jens",
        "Mette|Kirsten|Sofie|Ida|Astrid|Signe|Birgitte|Maja|Karen|Line",
        "Nielsen|Jensen|Hansen|Pedersen|Sørensen|Møller|Kjær|Lund|Kristensen|Østergaard",
        "{L} & Søn ApS~{l}-og-soen|Ærø Fiskeeksport A/S~aeroe-fisk|{L}s Tømrerforretning ApS~{l}s-toemrer"
        "|{L} Møbelhus A/S~{l}-moebelhus|{L} Rådgivning I/S~{l}-raadgivning",
        "5970~Ærøskøbing~Syddanmark~+45 62 ab cd ef|1050~København K~Hovedstaden~+45 3a bc de fg"
        "|8000~Aarhus C~Midtjylland~+45 8a bc de fg|9000~Aalborg~Nordjylland~+45 9a bc de fg",
        "Vestergade {n}|Nørregade {n}|Søndergade {n}|Strandvejen {n}|Østerbrogade {n}",
        "2. sal|st. tv.|1. th.", "+45 2a bc de fg", "DKabcdefgh"),
    Country("GB", "United Kingdom", "GBP", 10, "EU", "en", False, 30, "Mr|Ms|Dr",
        "Oliver|George|Harry|James|William|Thomas|Rhys|Callum|Liam|Arjun",
        "Amelia|Olivia|Isla|Emily|Sophie|Charlotte|Siobhan|Niamh|Priya|Grace",
        "Smith|Jones|Taylor|Brown|Williams|Wilson|Evans|O'Brien|Patel|Robinson|MacLeod|Davies|Hughes",
        "{L} & Sons Ltd~{l}-and-sons|{C} Building Supplies Ltd~{c}-building|{L} Consulting LLP~{l}-consulting"
        "|{L} Tea Merchants plc~{l}-tea|The {L} Partnership~{l}-partnership",
        # Ofcom's ranges reserved for drama: these numbers ring nobody.
        "SW1A 1AA~London~England~+44 20 7946 0abc|M1 1AE~Manchester~England~+44 161 496 0abc|EH1 1YZ~Edinburgh"
        "~Scotland~+44 131 496 0abc|CF10 1EP~Cardiff~Wales~+44 29 2018 0abc|BT1 5GS~Belfast~Northern Ireland"
        "~+44 28 9018 0abc",
        "{n} High Street|{n} Station Road|{n} Church Lane|{n} Victoria Road|{n} King's Road",
        "Unit 4|Second Floor|Suite 12", "+44 7700 900abc", "GBabcdefghi"),
    Country("US", "United States", "USD", 16, "US", "en", False, 40, "Mr.|Ms.|Dr.",
        "James|Michael|Robert|David|Daniel|José|Anthony|Kevin|Brian|Tyler|DeShawn|Wei",
        "Mary|Jennifer|Linda|Jessica|Ashley|Emily|Sarah|Ana|Michelle|Nicole|Keisha|Mei",
        "Johnson|Williams|Miller|Davis|Garcia|Rodriguez|Martinez|Anderson|Jackson|Nguyen|Kim|O'Connor|Cohen",
        "{L} Hardware Inc.~{l}-hardware|{C} Medical Supply LLC~{c}-medical|{L} & Associates LLC~{l}-associates"
        "|{L} Freight Corp.~{l}-freight|{L} Family Farms~{l}-farms|{C} Food Co-op~{c}-coop",
        # 555-0100..0199 is the fictional range.
        "02138~Cambridge~MA~+1 617-555-01ab|10001~New York~NY~+1 212-555-01ab|60601~Chicago~IL~+1 312-555-01ab"
        "|94105~San Francisco~CA~+1 415-555-01ab|78701~Austin~TX~+1 512-555-01ab|98101~Seattle~WA~+1 206-555-01ab"
        "|07030~Hoboken~NJ~+1 201-555-01ab|06103~Hartford~CT~+1 860-555-01ab",
        "{n} Main Street|{n} Oak Avenue|{n} Massachusetts Avenue|{n} Elm Street|{n} Broadway",
        "Suite 200|Floor 3|Apt 4B|PO Box 1187", "+1 202-555-01ab", "ab-cdefghi"),
    Country("CH", "Switzerland", "CHF", 5, "EU", "de", False, 10, "Herr|Frau|Dr.",
        "Urs|Beat|Reto|Lukas|Jean-Luc|Marco|Rémy|Andreas|Matteo|Niklaus",
        "Ursula|Regula|Andrea|Céline|Franziska|Chiara|Nathalie|Doris|Léonie|Barbara",
        "Müller|Meier|Schmid|Keller|Huber|Brunner|Zürcher|Favre|Rochat|Bianchi|Gerber",
        "{L} Uhren AG~{l}-uhren|Chocolaterie {L} SA~chocolaterie-{l}|{C} Treuhand GmbH~{c}-treuhand"
        "|Hotel {L} AG~hotel-{l}|{L} & Cie SA~{l}-cie",
        "8001~Zürich~ZH~+41 44 abc de fg|1201~Genève~GE~+41 22 abc de fg|3011~Bern~BE~+41 31 abc de fg"
        "|4051~Basel~BS~+41 61 abc de fg|6900~Lugano~TI~+41 91 abc de fg|1003~Lausanne~VD~+41 21 abc de fg",
        "Bahnhofstrasse {n}|Rue du Rhône {n}|Marktgasse {n}|Via Nassa {n}|Avenue de la Gare {n}",
        "Postfach|2. Stock|Case postale 123", "+41 79 abc de fg", "CHE-abc.def.ghi MWST"),
    Country("GR", "Greece", "EUR", 5, "EU", "el", False, 0, "κ.|κα|Δρ.",
        "Γιώργος=giorgos|Δημήτρης=dimitris|Νίκος=nikos|Κώστας=kostas|Γιάννης=giannis|Παναγιώτης=panagiotis",
        "Μαρία=maria|Ελένη=eleni|Αικατερίνη=aikaterini|Δήμητρα=dimitra|Σοφία=sofia|Αναστασία=anastasia",
        "Παπαδόπουλος/Παπαδοπούλου=papadopoulos/papadopoulou|Νικολάου=nikolaou|Γεωργίου=georgiou"
        "|Οικονόμου=oikonomou|Παπαδάκης/Παπαδάκη=papadakis/papadaki|Καραγιάννης/Καραγιάννη=karagiannis/karagianni",
        "Αθηναϊκή Εμπορική Α.Ε.~athinaiki-emporiki|{L} Α.Ε.~{l}-ae|{L} & ΣΙΑ Ο.Ε.~{l}-sia"
        "|{L} Τρόφιμα Ε.Π.Ε.~{l}-trofima|Ναυτιλιακή {L} Α.Ε.~naftiliaki-{l}",
        "105 57~Αθήνα~Αττική~+30 210 abc defg~athina|546 24~Θεσσαλονίκη~Κεντρική Μακεδονία~+30 2310 abc def"
        "~thessaloniki|262 21~Πάτρα~Δυτική Ελλάδα~+30 2610 abc def~patra"
        "|712 02~Ηράκλειο~Κρήτη~+30 2810 abc def~irakleio",
        "Ερμού {n}|Λεωφόρος Βασιλίσσης Σοφίας {n}|Αιόλου {n}|Τσιμισκή {n}",
        "2ος όροφος|Γραφείο 5", "+30 69a bcd efgh", "ELabcdefghi"),
    Country("RU", "Russia", "RUB", 5, "", "ru", False, 0, "г-н|г-жа|д-р",
        "Алексей=aleksey|Дмитрий=dmitry|Сергей=sergey|Иван=ivan|Михаил=mikhail|Андрей=andrey|Павел=pavel",
        "Анна=anna|Екатерина=ekaterina|Ольга=olga|Татьяна=tatyana|Наталья=natalya|Юлия=yulia|Светлана=svetlana",
        "Иванов/Иванова=ivanov/ivanova|Смирнов/Смирнова=smirnov/smirnova|Кузнецов/Кузнецова=kuznetsov/kuznetsova"
        "|Попов/Попова=popov/popova|Соколов/Соколова=sokolov/sokolova|Морозов/Морозова=morozov/morozova",
        "ООО Северный ветер~severny-veter|ООО «Торговый дом {L}»~td-{l}|ИП {L}~ip-{l}"
        "|ООО «{L} Логистик»~{l}-logistik|ООО «{L} и партнёры»~{l}-partners",
        "101000~Москва~Москва~+7 495 abc-de-fg~moskva|190000~Санкт-Петербург~Санкт-Петербург~+7 812 abc-de-fg~spb"
        "|620014~Екатеринбург~Свердловская область~+7 343 abc-de-fg~ekb|420111~Казань~Татарстан~+7 843 abc-de-fg~kazan",
        "ул. Ленина, д. {n}|пр. Мира, д. {n}|ул. Садовая, д. {n}|Невский пр., д. {n}",
        "офис 12|этаж 3|корп. 2", "+7 9ab cde-fg-hi", "77abcdefgh"),
    Country("JP", "Japan", "JPY", 5, "", "ja", True, 0, "||",
        "太郎=taro|健太=kenta|翔太=shota|大輔=daisuke|拓也=takuya|浩=hiroshi|誠=makoto|蓮=ren",
        "花子=hanako|陽子=yoko|美咲=misaki|さくら=sakura|由美=yumi|愛=ai|結衣=yui|真由美=mayumi",
        "山田=yamada|佐藤=sato|鈴木=suzuki|高橋=takahashi|田中=tanaka|伊藤=ito|渡辺=watanabe|中村=nakamura",
        "株式会社{L}~{l}|{L}商事株式会社~{l}-shoji|{L}精機株式会社~{l}-seiki|{L}食品株式会社~{l}-shokuhin"
        "|{L}建設株式会社~{l}-kensetsu|合同会社{L}~{l}-llc",
        "100-0005~千代田区~東京都~+81 3-abcd-efgh~chiyoda|530-0001~大阪市~大阪府~+81 6-abcd-efgh~osaka"
        "|600-8001~京都市~京都府~+81 75-abc-defg~kyoto|060-0001~札幌市~北海道~+81 11-abc-defg~sapporo",
        "丸の内{m}丁目{n}番|本町{m}丁目{n}番|大通西{m}丁目|栄{m}丁目{n}番",
        "3階|5階|別館", "+81 90-abcd-efgh", "T1abcdefghijkl"),
)

# Per language: billing mailbox, the "attention" suffix some customers print, and comments (some two-line).
LANGS = {
    "fr": ("comptabilite", "Service comptabilité", "Client fidèle depuis l'ouverture.|Relancer avant le 15 du mois."
           "\nContact comptable : voir fiche.|Livraison uniquement le matin.|Acompte de 30 % exigé."),
    "de": ("buchhaltung", "Buchhaltung", "Stammkunde seit vielen Jahren.|Lieferung nur werktags bis 16 Uhr."
           "\nAnlieferung über den Hof.|Rechnungen bitte per E-Mail.|Zahlungsziel verlängert."),
    "es": ("facturacion", "Contabilidad", "Cliente preferente.|Entregar solo por la mañana.\nLlamar antes de llegar."
           "|Solicita factura electrónica.|Pago por adelantado acordado."),
    "pl": ("ksiegowosc", "Dział księgowości", "Stały klient.|Dostawa tylko w dni robocze.\nKontakt przez recepcję."
           "|Faktury wyłącznie elektronicznie."),
    "da": ("bogholderi", "Bogholderiet", "Fast kunde.|Levering kun om formiddagen.\nRing i forvejen."),
    "en": ("accounts", "Accounts Payable", "Long-standing customer.|Deliveries to the rear entrance only.\nCall ahead."
           "|Prefers invoices by e-mail.|Credit limit reviewed annually.\nNext review in Q3."),
    "el": ("logistirio", "Λογιστήριο", "Πιστός πελάτης.|Παράδοση μόνο το πρωί.\nΤηλεφωνήστε πριν."),
    "ru": ("buhgalteria", "Бухгалтерия", "Постоянный клиент.|Доставка только в будни.\nЗвонить заранее."),
    "ja": ("keiri", "経理部", "長年のお得意様。|午前中のみ配送。\n事前に電話すること。"),
}
# fmt: on
