"""Demo data for `custbook init --demo N`: the demo custom fields, two entities and N realistic customers.

Owns the demo word lists and the one INSERT that turns them into customers C0000001..C{n:07}. Every value is a
pure function of the customer number (no random(), no now(), no DuckDB hash() whose output may change between
DuckDB versions), so the same N gives the same rows on every machine, and seeding 100 then 200 gives the same rows
as seeding 200. It must never change or delete existing customers: numbers whose ID already exists are skipped.
All rows are built by DuckDB in one statement inside one transaction; Python never loops over customers.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from formats.errors import Conflict, InvalidValue
from store.db import Store, quote_ident
from store.entities import add_entity, list_entities
from store.fields import add_field, catalogue, load_catalogue
from store.schema import INTERNAL_COLUMNS
from store.users import User

MAX_DEMO = 9_999_999  # IDs are "C" + 7 digits

# (ID, type, enum values, required, English label, French label): fields.md, "Custom fields".
DEMO_FIELDS = (
    ("SEGMENT", "enum", ("SMB", "Mid-market", "Enterprise"), True, "Segment", "Segment"),
    ("CONTRACT_START", "date", (), False, "Contract start", "Début de contrat"),
    ("VIP", "bool", (), False, "VIP", "VIP"),
)
DEMO_ENTITIES = (("EU", "Europe SAS"), ("US", "Americas Inc."))

# Creation dates fall in [2019-01-01, 2026-01-01); seconds in that span (2020 and 2024 are leap years).
EPOCH = "2019-01-01 00:00:00"
SPAN_SECONDS = (7 * 365 + 2) * 86400


@dataclass(frozen=True)
class _Country:
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
_COUNTRIES = (
    _Country("FR", "France", "EUR", 16, "EU", "fr", False, 20, "M.|Mme|Dr",
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
    _Country("DE", "Germany", "EUR", 16, "EU", "de", False, 15, "Herr|Frau|Dr.",
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
    _Country("ES", "Spain", "EUR", 10, "EU", "es", False, 30, "Sr.|Sra.|Dr.",
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
    _Country("PL", "Poland", "PLN", 8, "EU", "pl", False, 10, "Pan|Pani|dr",
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
    _Country("DK", "Denmark", "DKK", 4, "EU", "da", False, 20, "Hr.|Fru|Dr.",
        "Søren|Jørgen|Mads|Rasmus|Frederik|Anders|Bjørn|Nikolaj|Morten|Jens",
        "Mette|Kirsten|Sofie|Ida|Astrid|Signe|Birgitte|Maja|Karen|Line",
        "Nielsen|Jensen|Hansen|Pedersen|Sørensen|Møller|Kjær|Lund|Kristensen|Østergaard",
        "{L} & Søn ApS~{l}-og-soen|Ærø Fiskeeksport A/S~aeroe-fisk|{L}s Tømrerforretning ApS~{l}s-toemrer"
        "|{L} Møbelhus A/S~{l}-moebelhus|{L} Rådgivning I/S~{l}-raadgivning",
        "5970~Ærøskøbing~Syddanmark~+45 62 ab cd ef|1050~København K~Hovedstaden~+45 3a bc de fg"
        "|8000~Aarhus C~Midtjylland~+45 8a bc de fg|9000~Aalborg~Nordjylland~+45 9a bc de fg",
        "Vestergade {n}|Nørregade {n}|Søndergade {n}|Strandvejen {n}|Østerbrogade {n}",
        "2. sal|st. tv.|1. th.", "+45 2a bc de fg", "DKabcdefgh"),
    _Country("GB", "United Kingdom", "GBP", 10, "EU", "en", False, 30, "Mr|Ms|Dr",
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
    _Country("US", "United States", "USD", 16, "US", "en", False, 40, "Mr.|Ms.|Dr.",
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
    _Country("CH", "Switzerland", "CHF", 5, "EU", "de", False, 10, "Herr|Frau|Dr.",
        "Urs|Beat|Reto|Lukas|Jean-Luc|Marco|Rémy|Andreas|Matteo|Niklaus",
        "Ursula|Regula|Andrea|Céline|Franziska|Chiara|Nathalie|Doris|Léonie|Barbara",
        "Müller|Meier|Schmid|Keller|Huber|Brunner|Zürcher|Favre|Rochat|Bianchi|Gerber",
        "{L} Uhren AG~{l}-uhren|Chocolaterie {L} SA~chocolaterie-{l}|{C} Treuhand GmbH~{c}-treuhand"
        "|Hotel {L} AG~hotel-{l}|{L} & Cie SA~{l}-cie",
        "8001~Zürich~ZH~+41 44 abc de fg|1201~Genève~GE~+41 22 abc de fg|3011~Bern~BE~+41 31 abc de fg"
        "|4051~Basel~BS~+41 61 abc de fg|6900~Lugano~TI~+41 91 abc de fg|1003~Lausanne~VD~+41 21 abc de fg",
        "Bahnhofstrasse {n}|Rue du Rhône {n}|Marktgasse {n}|Via Nassa {n}|Avenue de la Gare {n}",
        "Postfach|2. Stock|Case postale 123", "+41 79 abc de fg", "CHE-abc.def.ghi MWST"),
    _Country("GR", "Greece", "EUR", 5, "EU", "el", False, 0, "κ.|κα|Δρ.",
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
    _Country("RU", "Russia", "RUB", 5, "", "ru", False, 0, "г-н|г-жа|д-р",
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
    _Country("JP", "Japan", "JPY", 5, "", "ja", True, 0, "||",
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
_LANGS = {
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

# Weighted choices, as value: weight; the SQL picks from the list with each value repeated `weight` times.
_CUSTTYPES = {"Retail": 5, "Wholesale": 5, "Distributor": 3, "Reseller": 3, "Manufacturer": 2, "Government": 1,
              "Non-profit": 1}
_TERMS = {"N30": 10, "N45": 3, "N60": 3, "Due on receipt": 3, "N15": 1}
_PAYMETHODS = {"EFT": 7, "ACH": 4, "Credit card": 4, "Printed check": 3, "Cash": 2}
_DELIVERY = {"E-Mail": 12, "Print#~#E-Mail": 5, "Print": 3}
_SEGMENTS = {"SMB": 12, "Mid-market": 6, "Enterprise": 2}

_TRANSLIT = str.maketrans({"ł": "l", "Ł": "L", "ø": "oe", "Ø": "Oe", "æ": "ae", "Æ": "Ae", "å": "aa", "Å": "Aa",
                           "ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "'": ""})
# fmt: on


def _slug(text: str) -> str:
    """Lower-case ASCII for e-mail local parts and domains: "Müller & Söhne" -> "mueller-soehne"."""
    folded = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    ascii_text = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if not slug:
        raise ValueError(f"demo word {text!r} needs an explicit ASCII form (write it as {text}=ascii)")
    return slug


def _words(text: str, female: bool = False) -> list[tuple[str, str]]:
    """Each item of a "|" list with its slug. "display=slug" spells the slug out; "male/female" surname forms
    ("Kowalski/Kowalska", "Иванов/Иванова=ivanov/ivanova") give the form for `female`."""
    out = []
    for item in text.split("|"):
        display, _, slug = item.partition("=")
        forms = display.split("/")
        slugs = slug.split("/") if slug else [_slug(form) for form in forms]
        out.append((forms[min(female, len(forms) - 1)], slugs[min(female, len(slugs) - 1)]))
    return out


def _group(params: dict[str, object], name: str, groups: list[list[str]], *, index: bool = True) -> None:
    """Flatten per-group lists into one list plus offsets and counts, so SQL picks `name[off[g] + x % cnt[g] + 1]`
    without nested lists (cheaper per row). Lists parallel to another one share its index (`index=False`)."""
    flat: list[str] = []
    offsets, counts = [], []
    for items in groups:
        offsets.append(len(flat))
        counts.append(len(items))
        flat.extend(items)
    params[name] = flat
    if index:  # DuckDB refuses named parameters the query does not use
        params[name + "_off"], params[name + "_cnt"] = offsets, counts


def _wheel(weights: dict[str, int]) -> list[str]:
    return [value for value, weight in weights.items() for _ in range(weight)]


def _params() -> dict[str, object]:
    """The word lists as query parameters: values never enter the SQL text."""
    p: dict[str, object] = {}
    cs = _COUNTRIES
    langs = list(_LANGS)
    p["wheel"] = [i + 1 for i, c in enumerate(cs) for _ in range(c.weight)]
    for key in ("code", "name", "currency", "entity", "mobile", "taxid", "last_first", "middle_pct"):
        p["c_" + key] = [getattr(c, key) for c in cs]
    p["c_lang"] = [langs.index(c.lang) + 1 for c in cs]
    p["c_doctor"] = [c.prefixes.split("|")[2] for c in cs]
    # Groups by (country, gender): index 2 * country - 1 + gender, gender 0 male / 1 female.
    pairs = [(c, g) for c in cs for g in (0, 1)]
    first = [_words(c.female if g else c.male) for c, g in pairs]
    last = [_words(c.last, bool(g)) for c, g in pairs]
    _group(p, "fn", [[d for d, _ in w] for w in first])
    _group(p, "fn_s", [[s for _, s in w] for w in first])
    _group(p, "ln", [[d for d, _ in w] for w in last])
    _group(p, "ln_s", [[s for _, s in w] for w in last])
    p["prefix"] = [c.prefixes.split("|")[g] for c, g in pairs]
    cities = [[item.split("~") for item in c.cities.split("|")] for c in cs]
    _group(p, "city", [[row[1] for row in rows] for rows in cities])
    for i, key in ((0, "zip"), (2, "state"), (3, "tel")):
        _group(p, key, [[row[i] for row in rows] for rows in cities], index=False)
    _group(p, "city_s", [[row[4] if len(row) > 4 else _slug(row[1]) for row in rows] for rows in cities], index=False)
    companies = [[item.split("~") for item in c.companies.split("|")] for c in cs]
    _group(p, "co", [[pattern for pattern, _ in rows] for rows in companies])
    _group(p, "co_s", [[domain for _, domain in rows] for rows in companies], index=False)
    _group(p, "street", [c.streets.split("|") for c in cs])
    _group(p, "extra", [c.extra.split("|") for c in cs])
    p["billing"] = [_LANGS[lang][0] for lang in langs]
    p["attn"] = [_LANGS[lang][1] for lang in langs]
    _group(p, "comment", [_LANGS[lang][2].split("|") for lang in langs])
    p["custtype"], p["term"] = _wheel(_CUSTTYPES), _wheel(_TERMS)
    p["paymethod"], p["delivery"], p["segment"] = _wheel(_PAYMETHODS), _wheel(_DELIVERY), _wheel(_SEGMENTS)
    return p


# One independent pseudo-random stream per decision, each a function of the customer number only.
# fmt: off
_STREAMS = ("country", "gender", "person", "city", "first", "last", "company", "co_last", "street", "extra", "tel1",
            "tel2", "mobile", "fax", "flags", "custtype", "term", "credit", "pay", "comment", "parent", "created",
            "modified", "invoice", "custom", "middle", "entity", "tax1", "tax2", "contact")
# fmt: on


def _mix(salt: int) -> str:
    """A hash of the customer number i in [0, 2**31): multiply-modulo a prime and xor-shift, every step below
    2**63 so BIGINT never overflows. Our own formula so the demo data cannot change with the DuckDB version."""
    a = f"((i * 1103515245 + {salt * 2654435 + 12345}) % 2147483647)"
    b = f"(({a} * 48271) % 2147483647)"
    c = f"xor({b}, {b} >> 15)"
    d = f"(({c} * 69621) % 2147483647)"
    return f"xor({d}, {d} >> 13)"


def _digits(stream: str) -> str:
    return f"lpad((h_{stream} % 1000000000)::VARCHAR, 9, '0')"


def _pick(name: str, group: str, stream: str) -> str:
    return f"${name}[${name}_off[{group}] + h_{stream} % ${name}_cnt[{group}] + 1]"


def _wheel_pick(name: str, stream: str, div: int = 1) -> str:
    return f"${name}[(h_{stream} // {div}) % len(${name}) + 1]"


_HASHES = ", ".join(f"{_mix(n + 1)} AS h_{s}" for n, s in enumerate(_STREAMS))
_CID = "'C' || lpad(i::VARCHAR, 7, '0')"
_NEW_IDS = f"""SELECT i FROM range(1, $n + 1) t(i)
    WHERE NOT EXISTS (SELECT 1 FROM customers x WHERE x."CUSTOMERID" = {_CID})"""

# Derived values, layer by layer (each CTE may use the columns of the one before).
_ROWS = f"""
WITH ids AS (SELECT i, row_number() OVER (ORDER BY i) AS rn FROM ({_NEW_IDS})),
h AS (SELECT i, rn, {_HASHES} FROM ids),
b AS (SELECT *, $wheel[h_country % len($wheel) + 1] AS c, h_gender % 2 AS g, h_person % 100 < 15 AS person,
             {SPAN_SECONDS} AS span, h_created % {SPAN_SECONDS} AS created_s FROM h),
k AS (SELECT *, 2 * c - 1 + g AS q, 2 * c - 1 AS qm, $c_lang[c] AS lang,
             $city_off[c] + h_city % $city_cnt[c] + 1 AS ci, $co_off[c] + h_company % $co_cnt[c] + 1 AS pi,
             CASE WHEN person THEN 'SMB' ELSE {_wheel_pick("segment", "custom")} END AS segment,
             $epoch::TIMESTAMP + to_seconds(created_s) AS created FROM b),
v AS (SELECT *, {_pick("fn", "q", "first")} AS first, {_pick("fn_s", "q", "first")} AS first_s,
             {_pick("ln", "q", "last")} AS last, {_pick("ln_s", "q", "last")} AS last_s,
             {_pick("ln", "qm", "co_last")} AS co_last, {_pick("ln_s", "qm", "co_last")} AS co_last_s,
             CASE segment WHEN 'SMB' THEN (1 + h_credit % 40) * 250 WHEN 'Mid-market' THEN (20 + h_credit % 181) * 500
                  ELSE (50 + h_credit % 451) * 1000 END AS credit0,
             created + to_seconds(CASE WHEN h_modified % 4 = 0 THEN 0 ELSE h_modified // 4 % (span - created_s) END)
                  AS modified,
             date_diff('day', created::DATE, ($epoch::TIMESTAMP + to_seconds(span))::DATE) AS days_left FROM k),
w AS (SELECT *,
             CASE WHEN person THEN NULL ELSE replace(replace($co[pi], '{{L}}', co_last), '{{C}}', $city[ci]) END
                  AS company,
             CASE WHEN person THEN 'mail-' || lower($c_code[c]) || '.example'
                  ELSE replace(replace($co_s[pi], '{{l}}', co_last_s), '{{c}}', $city_s[ci]) || '.example'
                  END AS domain,
             CASE WHEN person THEN (h_credit % 11) * 100 ELSE credit0 END AS credit,
             CASE WHEN person THEN 'Retail' ELSE {_wheel_pick("custtype", "custtype")} END AS ctype,
             h_invoice % 10 < 8 AS invoiced FROM v),
z AS (SELECT *, CASE WHEN person THEN CASE WHEN $c_last_first[c] THEN last || ' ' || first
                ELSE first || ' ' || last END ELSE company END AS name FROM w)
"""

# Field ID -> SQL over the columns of `z`. Fields not listed (other custom fields) take their default.
_VALUES = {
    "CUSTOMERID": _CID,
    "NAME": "name",
    "PRINTAS": "CASE WHEN NOT person AND h_contact % 10 = 0 THEN name || ' – ' || $attn[lang] ELSE name END",
    "STATUS": "CASE WHEN h_flags % 100 < 8 THEN 'inactive' ELSE 'active' END",
    "CUSTTYPE": "ctype",
    # A lower number is always an existing customer (all of 1..n exist after seeding) and never forms a cycle.
    "PARENTID": "CASE WHEN i > 1 AND h_parent % 50 = 0 "
    "THEN 'C' || lpad((1 + h_parent // 50 % (i - 1))::VARCHAR, 7, '0') END",
    "ACCOUNTNO": "$c_code[c] || '-' || lpad((i * 7919 % 10000000)::VARCHAR, 7, '0')",  # unique: 7919 is prime
    "TERMNAME": _wheel_pick("term", "term"),
    "CREDITLIMIT": "credit::DECIMAL(18,2)",
    "CURRENCY": "$c_currency[c]",
    "PAYMETHOD": _wheel_pick("paymethod", "pay"),
    "DELIVERY_OPTIONS": _wheel_pick("delivery", "pay", 100),
    "ONHOLD": "h_flags // 100 % 100 < 3",
    "ONETIME": "h_flags // 10000 % 100 < CASE WHEN person THEN 30 ELSE 2 END",
    "TAXABLE": "CASE WHEN ctype = 'Government' THEN FALSE ELSE h_flags // 1000000 % 100 < 92 END",
    "TAXID": f"CASE WHEN NOT person AND h_tax1 % 20 > 0 THEN "
    f"translate($c_taxid[c], 'abcdefghijkl', {_digits('tax1')} || {_digits('tax2')}) END",
    "COMMENTS": f"CASE WHEN h_comment % 100 < 45 THEN {_pick('comment', 'lang', 'comment')} END",
    "PREFIX": "nullif(CASE WHEN h_middle % 20 = 0 THEN $c_doctor[c] ELSE $prefix[q] END, '')",
    "FIRSTNAME": "first",
    "LASTNAME": "last",
    "INITIAL": "CASE WHEN h_middle // 20 % 100 < $c_middle_pct[c] THEN $fn[$fn_off[q] + (h_first % $fn_cnt[q] + 1 + "
    "h_middle // 2000 % ($fn_cnt[q] - 1)) % $fn_cnt[q] + 1] END",
    "COMPANYNAME": "company",
    "PHONE1": f"translate($tel[ci], 'abcdefghi', {_digits('tel1')})",
    "PHONE2": f"CASE WHEN h_tel2 % 10 < 3 THEN translate($tel[ci], 'abcdefghi', {_digits('tel2')}) END",
    "CELLPHONE": f"CASE WHEN h_mobile % 10 < 7 THEN translate($c_mobile[c], 'abcdefghi', {_digits('mobile')}) END",
    "FAX": f"CASE WHEN NOT person AND h_fax % 10 < 2 THEN translate($tel[ci], 'abcdefghi', {_digits('fax')}) END",
    "EMAIL1": "CASE WHEN h_contact // 10 % 20 > 0 THEN first_s || '.' || last_s || "
    "CASE WHEN person THEN (h_contact // 200 % 100)::VARCHAR ELSE '' END || '@' || domain END",
    "EMAIL2": "CASE WHEN NOT person AND h_contact // 20000 % 2 = 0 THEN $billing[lang] || '@' || domain END",
    "URL1": "CASE WHEN NOT person AND h_contact // 40000 % 10 > 0 THEN 'https://www.' || domain END",
    "ADDRESS1": "replace(replace(" + _pick("street", "c", "street") + ", '{n}', (1 + h_street // 7 % 199)::VARCHAR), "
    "'{m}', (1 + h_street // 1393 % 9)::VARCHAR)",
    "ADDRESS2": f"CASE WHEN h_extra % 4 = 0 THEN {_pick('extra', 'c', 'extra')} END",
    "CITY": "$city[ci]",
    "STATE": "$state[ci]",
    "ZIP": "$zip[ci]",
    "COUNTRY": "$c_name[c]",
    "RECORDNO": "$rec0 + rn - 1",
    "MEGAENTITYID": "CASE WHEN h_entity % 10 = 0 THEN nullif($c_entity[c], '') END",
    "TOTALDUE": "(CASE WHEN invoiced AND h_invoice // 10 % 10 < 6 "
    "THEN credit * (h_invoice // 100 % 9000) / 10000 ELSE 0 END)::DECIMAL(18,2)",
    "LAST_INVOICEDATE": "CASE WHEN invoiced THEN created::DATE + (h_invoice // 1000000 % (days_left + 1))::INTEGER END",
    "WHENCREATED": "created",
    "WHENMODIFIED": "modified",
    "CREATEDBY": "$user",
    "MODIFIEDBY": "$user",
    "SEGMENT": "segment",
    "CONTRACT_START": "CASE WHEN h_custom // 20 % 100 < 85 THEN created::DATE + (h_custom // 2000 % 90)::INTEGER END",
    "VIP": "h_custom // 200000 % 100 < 5",
    "ROWVERSION": "1",
}


def _ensure_fields(store: Store) -> None:
    cat = catalogue(store)
    for fid, ftype, values, required, label, label_fr in DEMO_FIELDS:
        existing = cat.get(fid)
        if existing is None:
            add_field(store, fid, ftype, values=values, required=required, label=label, label_fr=label_fr)
        elif existing.type.value != ftype or not set(values) <= set(existing.values):
            raise InvalidValue(
                f"The store already has a field {fid} that does not fit the demo data",
                "Add demo customers to a new store (--db PATH)",
            )


def _ensure_entities(store: Store) -> None:
    have = {e.id for e in list_entities(store)}
    for eid, name in DEMO_ENTITIES:
        if eid not in have:  # an existing entity keeps the name its owner gave it
            add_entity(store, eid, name)


def seed_demo(store: Store, n: int, *, user: User) -> int:
    """Define the demo fields and entities if missing, then add customers C0000001..C{n:07} that do not exist yet.

    Returns how many customers were added (0 when run again with the same n). Only an administrator seeds a store:
    it defines fields and entities as well as customers."""
    user.require_admin("add demo customers")
    if not 0 <= n <= MAX_DEMO:
        raise InvalidValue(f"{n} demo customers is out of range", f"Give a number from 0 to {MAX_DEMO:,}")
    _ensure_fields(store)
    _ensure_entities(store)
    with store.write() as con:
        con.execute("SET enable_progress_bar = false")  # DuckDB would draw its bar over our stdout after 2 s
        cat = load_catalogue(con)
        count = con.execute(f"SELECT count(*) FROM ({_NEW_IDS})", {"n": n}).fetchone()
        k = int(count[0]) if count else 0
        if k == 0:
            return 0
        # Reserve k consecutive record numbers first, then number rows in ID order: nextval() inside a parallel
        # INSERT would hand numbers out in thread order, and the same n must give the same RECORDNOs.
        first = con.execute("SELECT nextval('recordno_seq')").fetchone()
        rec0 = int(first[0]) if first else 1
        if k > 1:
            last = con.execute("SELECT max(nextval('recordno_seq')) FROM range($k)", {"k": k - 1}).fetchone()
            if not last or last[0] != rec0 + k - 1:
                raise Conflict("Another program added customers meanwhile", "Run the command again")
        idents = {fid: quote_ident(fid, cat, extra=INTERNAL_COLUMNS) for fid in _VALUES}
        columns = ", ".join(idents.values())
        select = ",\n  ".join(f"{expr} AS {idents[fid]}" for fid, expr in _VALUES.items())
        params = {**_params(), "n": n, "rec0": rec0, "user": user.name, "epoch": EPOCH}
        con.execute(f"INSERT INTO customers ({columns})\n{_ROWS}SELECT\n  {select}\nFROM z ORDER BY i", params)
    return k
