"""The built-in mappings' data: for each product with a real export in ../shared/realworld/, which column of its
files feeds which field, and which columns are left out. Read by `core.builtin_mappings`, which owns the lookup and
the detection.

Written from the files' real headers (each table lists every column of its file), plus columns the product's exports
are known to have (said where so). Every column a file has is named, imported or left out ("-"), even those the
mapping would leave out anyway (`others_ignored`): a column whose own name is a field ("Customer ID", "NAME",
"PARENTID", "Status") would otherwise be read as that field, and detection counts the columns a mapping knows.

The rules they follow:
- NAME and PRINTAS, which every new customer needs: from the customer's or company's name (one column feeding both)
  when the product keeps customers, and in Outlook's, whose "Company" is what a person means by a customer's name
  (the suggestions for a "Company" column of any file follow it); from the person's names joined in the address
  books whose contacts are people (Google Contacts, Thunderbird), PRINTAS then from their display name;
- the products' own record IDs (Salesforce's 001x..., Zoho's 2520018..., Odoo's and ERPNext's IDs) are not customer
  IDs and are left out: a migration numbers customers with --generate-ids and finds them again with --match;
- the billing (or work) address rather than the shipping (or home) one;
- amounts that are not credit limits (balances, paid to date, revenue) are left out.
Pure data: imports only core.mapping.
"""

from __future__ import annotations

from core.mapping import SKIP, ColumnMapping


def mapping(
    name: str, product: str, columns: dict[str, str], *, skip: str = "", joins: dict[str, str] | None = None
) -> ColumnMapping:
    """A mapping written compactly: columns {"Header": "FIELD+FIELD"}, `skip` the headers left out, separated by
    "|" (headers hold commas and slashes, never a bar), `joins` {"FIELD": "Header+Header"}."""
    left_out = {h.strip(): SKIP for h in skip.split("|") if h.strip()}
    both = set(columns) & set(left_out)
    if both:  # a slip in the tables below: caught when the module loads, so by every test
        raise ValueError(f"{name}: {sorted(both)} both imported and left out")
    return ColumnMapping(
        name=name,
        product=product,
        columns=tuple((h, () if f == SKIP else tuple(f.split("+"))) for h, f in {**columns, **left_out}.items()),
        joins=tuple((f, tuple(h.split("+"))) for f, h in (joins or {}).items()),
        others_ignored=True,
    )


# The order matters twice: the suggestions for a column of an unknown file take the first mapping that imports a
# column of that name ("Organization" is a client's name in FreshBooks before it is a contact's company in
# Thunderbird), and detection prefers the earlier of two mappings that fit a file equally well. Products that keep
# customers come first, address books last.
BUILTIN_MAPPINGS: tuple[ColumnMapping, ...] = (
    # Salesforce Data Loader extracts name columns by their API names (NAME, BILLINGSTREET...); reports and the
    # weekly data export use the labels, which fold to the same keys ("Billing Street" is BILLINGSTREET) except
    # those added below ("Account Name", "Billing Zip/Postal Code"...).
    mapping(
        "salesforce",
        "Salesforce",
        {
            "NAME": "NAME+PRINTAS",
            "TYPE": "CUSTTYPE",  # Customer, Prospect, Partner...
            "BILLINGSTREET": "ADDRESS1",
            "BILLINGCITY": "CITY",
            "BILLINGSTATE": "STATE",
            "BILLINGPOSTALCODE": "ZIP",
            "BILLINGCOUNTRY": "COUNTRY",
            "PHONE": "PHONE1",
            "FAX": "FAX",
            "ACCOUNTNUMBER": "ACCOUNTNO",
            "WEBSITE": "URL1",
            "DESCRIPTION": "COMMENTS",
            # The labels of a report or of the data export:
            "Account Name": "NAME+PRINTAS",
            "Billing State/Province": "STATE",
            "Billing Zip/Postal Code": "ZIP",
        },
        # Salesforce's own record IDs (ID, PARENTID, MASTERRECORDID, OWNERID: 001x..., 005x...) are not customer
        # IDs, and PARENTID would otherwise be read as custbook's parent customer. ANNUALREVENUE is not a credit
        # limit. ACCOUNTNUMBER__C and ORACLE_ID__C are custom fields of the sample's organisation.
        skip="ID|ISDELETED|MASTERRECORDID|PARENTID|SHIPPINGSTREET|SHIPPINGCITY|SHIPPINGSTATE|SHIPPINGPOSTALCODE|"
        "SHIPPINGCOUNTRY|SIC|INDUSTRY|ANNUALREVENUE|NUMBEROFEMPLOYEES|OWNERSHIP|TICKERSYMBOL|RATING|SITE|OWNERID|"
        "CREATEDDATE|CREATEDBYID|LASTMODIFIEDDATE|LASTMODIFIEDBYID|SYSTEMMODSTAMP|LASTACTIVITYDATE|ORACLE_ID__C|"
        "SESSION_ID__C|ACCOUNTNUMBER__C|Account ID|Account Owner",
    ),
    # Odoo's contacts (res.partner) exported or prepared for import with technical field names. The files hold
    # id, name, vat, email, is_company, parent_id/id; the others are res.partner's usual fields.
    mapping(
        "odoo",
        "Odoo",
        {
            "name": "NAME+PRINTAS",
            "vat": "TAXID",
            "email": "EMAIL1",
            "ref": "ACCOUNTNO",  # the partner's internal reference, often the customer number
            "street": "ADDRESS1",
            "street2": "ADDRESS2",
            "city": "CITY",
            "state_id": "STATE",
            "zip": "ZIP",
            "country_id": "COUNTRY",
            "phone": "PHONE1",
            "mobile": "CELLPHONE",
            "website": "URL1",
            "comment": "COMMENTS",
            "title": "PREFIX",
            "credit_limit": "CREDITLIMIT",
            "company_type": "CUSTTYPE",  # person, company
            "property_payment_term_id": "TERMNAME",  # the terms' name: "30 Days"
        },
        # "id" and "parent_id/id" are Odoo's external IDs (base.res_partner_2), not customer IDs; is_company and
        # active are True/False, neither a type nor a status custbook reads.
        skip="id|parent_id/id|parent_id|is_company|active|lang|function|user_id|category_id|country_id/id|state_id/id|"
        "title/id",
    ),
    # ERPNext's Data Import template for Customer (59 columns, "Customer Name"...) and files prepared from it.
    mapping(
        "erpnext",
        "ERPNext",
        {
            "Customer Name": "NAME+PRINTAS",
            "Customer Type": "CUSTTYPE",  # Company, Individual
            "Billing Currency": "CURRENCY",
            "Customer Details": "COMMENTS",
            "Default Payment Terms Template": "TERMNAME",
            "Email Id": "EMAIL1",
            "Mobile No": "CELLPHONE",
            "Salutation": "PREFIX",
            "Tax ID": "TAXID",
            "Website": "URL1",
            "Credit Limit (Credit Limit)": "CREDITLIMIT",  # the first company's limit, from the child table
        },
        # ID is ERPNext's record name (CUST-B2B-1962), not a customer ID. Disabled and Is Frozen are 0/1 flags;
        # Territory is a sales region ("Rest Of The World"), not the address's country; Primary Address is a
        # formatted block of lines.
        skip="ID|Account Manager|Allow Sales Invoice Creation Without Delivery Note|"
        "Allow Sales Invoice Creation Without Sales Order|Commission Rate|Customer Group|Customer POS id|"
        "Customer Primary Address|Customer Primary Contact|Default Company Bank Account|Default Price List|"
        "Disabled|From Lead|From Opportunity|Gender|Image|Industry|Is Frozen|Is Internal Customer|Loyalty Program|"
        "Loyalty Program Tier|Market Segment|Primary Address|Print Language|Represents Company|Sales Partner|"
        "Series|Tax Category|Tax Withholding Category|Territory|ID (Allowed To Transact With)|"
        "Company (Allowed To Transact With)|ID (Credit Limit)|Bypass Credit Limit Check at Sales Order (Credit Limit)|"
        "Company (Credit Limit)|ID (Accounts)|Advance Account (Accounts)|Company (Accounts)|"
        "Default Account (Accounts)|ID (Sales Team)|Commission Rate (Sales Team)|Contact No. (Sales Team)|"
        "Contribution (%) (Sales Team)|Contribution to Net Total (Sales Team)|Incentives (Sales Team)|"
        "Sales Person (Sales Team)|ID (Customer Portal Users)|User (Customer Portal Users)",
    ),
    # Zoho Books' contacts export (51 columns). "Customer Name" is the contact's name, "Display Name" how it is
    # shown (the same in the sample); "Company Name" may be shared by several contacts.
    mapping(
        "zoho-books",
        "Zoho Books",
        {
            "Customer Name": "NAME",
            "Display Name": "PRINTAS",
            "Company Name": "COMPANYNAME",
            "Salutation": "PREFIX",
            "First Name": "FIRSTNAME",
            "Last Name": "LASTNAME",
            "EmailID": "EMAIL1",
            "Phone": "PHONE1",
            "Billing Phone": "PHONE2",
            "MobilePhone": "CELLPHONE",
            "Billing Fax": "FAX",
            "Currency Code": "CURRENCY",
            "Notes": "COMMENTS",
            "Website": "URL1",
            "Status": "STATUS",  # Active, Inactive
            "Credit Limit": "CREDITLIMIT",
            "Customer Sub Type": "CUSTTYPE",  # business, individual
            "Billing Address": "ADDRESS1",
            "Billing Street2": "ADDRESS2",
            "Billing City": "CITY",
            "Billing State": "STATE",
            "Billing Country": "COUNTRY",
            "Billing Code": "ZIP",
            "Payment Terms Label": "TERMNAME",  # Net 30 ("Payment Terms" is the number of days)
        },
        # Customer ID and Customer Address ID are Zoho's record IDs (2520018000000073005), and "Customer ID" would
        # otherwise be read as custbook's; Contact ID is the same ID in newer exports.
        skip="Customer ID|Customer Address ID|Contact ID|Created Time|Last Modified Time|Billing Attention|"
        "Shipping Attention|Shipping Address|Shipping Street2|Shipping City|Shipping State|Shipping Country|"
        "Shipping Code|Shipping Phone|Shipping Fax|Skype Identity|Facebook|Twitter|Department|Designation|"
        "Price List|Payment Terms|Last Sync Time|Owner Name|Contact Type|Source|Reference ID|Payment Reminder",
    ),
    # FreshBooks' clients export: the organisation is the client.
    mapping(
        "freshbooks",
        "FreshBooks",
        {
            "Organization": "NAME+PRINTAS",
            "First Name": "FIRSTNAME",
            "Last Name": "LASTNAME",
            "Email": "EMAIL1",
            "Phone": "PHONE1",
            "Street": "ADDRESS1",
            "City": "CITY",
            "Province/State": "STATE",
            "Country": "COUNTRY",
            "Postal Code": "ZIP",
            "Notes": "COMMENTS",
        },
    ),
    # Wave's customers export.
    mapping(
        "wave",
        "Wave",
        {
            "customer_name": "NAME+PRINTAS",
            "email": "EMAIL1",
            "contact_first_name": "FIRSTNAME",
            "contact_last_name": "LASTNAME",
            "customer_currency": "CURRENCY",
            "account_number": "ACCOUNTNO",
            "phone": "PHONE1",
            "toll_free": "PHONE2",
            "fax": "FAX",
            "mobile": "CELLPHONE",
            "website": "URL1",
            "country": "COUNTRY",
            "province/state": "STATE",
            "address_line_1": "ADDRESS1",
            "address_line_2": "ADDRESS2",
            "city": "CITY",
            "postal_code/zip_code": "ZIP",
        },
        skip="shipping_address|ship-to_contact|ship-to_country|ship-to_province/state|ship-to_address_line_1|"
        "ship-to_address_line_2|ship-to_city|ship-to_postal_code/zip_code|ship-to_phone|delivery_instructions",
    ),
    # Invoice Ninja v4's clients export: three title rows above the header, found by themselves. Its first "Phone"
    # is the client's work phone, the second (Phone#2) its first contact's; First Name to Email are that contact's.
    # The contact's phone is the one accounts receivable calls, and the one the exports fill (the client's is often
    # blank): it is the Phone; the client's the Secondary phone.
    mapping(
        "invoice-ninja",
        "Invoice Ninja",
        {
            "Name": "NAME+PRINTAS",
            "Billing Street": "ADDRESS1",
            "Billing Apt/Suite": "ADDRESS2",
            "Billing City": "CITY",
            "Billing State/Province": "STATE",
            "Billing Postal Code": "ZIP",
            "Billing Country": "COUNTRY",
            "ID Number": "ACCOUNTNO",  # the number the user gave the client, not a record ID
            "VAT Number": "TAXID",
            "Website": "URL1",
            "Phone": "PHONE2",
            "Phone#2": "PHONE1",
            "Currency": "CURRENCY",  # the currency's code (USD)
            "Private Notes": "COMMENTS",
            "First Name": "FIRSTNAME",
            "Last Name": "LASTNAME",
            "Email": "EMAIL1",
        },
        # Balance and Paid to Date are amounts owed and paid ("$-142.85"), not credit limits. User is the
        # account's user in companies with several.
        skip="Balance|Paid to Date|Shipping Street|Shipping Apt/Suite|Shipping City|Shipping State/Province|"
        "Shipping Postal Code|Shipping Country|Public Notes|User",
    ),
    # Outlook's contacts export (the full header; the sample holds only its e-mail columns). The company is the
    # customer; contacts without one import as people with --map "Company=COMPANYNAME" and --join "NAME=First
    # Name+Last Name" --join "PRINTAS=First Name+Last Name" over this mapping.
    mapping(
        "outlook",
        "Outlook contacts",
        {
            "Company": "NAME+PRINTAS",
            "First Name": "FIRSTNAME",
            "Middle Name": "INITIAL",
            "Last Name": "LASTNAME",
            "Title": "PREFIX",  # Mr., Dr.: the job is "Job Title"
            "E-mail Address": "EMAIL1",
            "E-mail 2 Address": "EMAIL2",
            "Business Phone": "PHONE1",
            "Business Phone 2": "PHONE2",
            "Mobile Phone": "CELLPHONE",
            "Business Fax": "FAX",
            "Business Street": "ADDRESS1",
            "Business Street 2": "ADDRESS2",
            "Business City": "CITY",
            "Business State": "STATE",
            "Business Postal Code": "ZIP",
            "Business Country/Region": "COUNTRY",
            "Web Page": "URL1",
            "Notes": "COMMENTS",
        },
        skip="E-mail 3 Address|Account|Suffix|Department|Job Title|Business Street 3|Home Street|Home Street 2|"
        "Home Street 3|Home City|Home State|Home Postal Code|Home Country/Region|Other Street|Other Street 2|"
        "Other Street 3|Other City|Other State|Other Postal Code|Other Country/Region|Assistant's Phone|Callback|"
        "Car Phone|Company Main Phone|Home Fax|Home Phone|Home Phone 2|ISDN|Other Fax|Other Phone|Pager|"
        "Primary Phone|Radio Phone|TTY/TDD Phone|Telex|Anniversary|Assistant's Name|Billing Information|Birthday|"
        "Business Address PO Box|Categories|Children|Directory Server|E-mail Type|E-mail Display Name|E-mail 2 Type|"
        "E-mail 2 Display Name|E-mail 3 Type|E-mail 3 Display Name|Gender|Government ID Number|Hobby|"
        "Home Address PO Box|Initials|Internet Free Busy|Keywords|Language|Location|Manager's Name|Mileage|"
        "Office Location|Organizational ID Number|Other Address PO Box|Priority|Private|Profession|Referred By|"
        "Sensitivity|Spouse|User 1|User 2|User 3|User 4",
    ),
    # Google Contacts' CSV export ("Google CSV": Given Name, E-mail 1 - Value...). A contact is a person: NAME is
    # the given and family names joined (each also feeds its own field), PRINTAS the name as Google shows it
    # (prefix and suffix included). Numbered
    # columns are taken in order: Google writes each value's kind ("Work", "Mobile") in the column before it.
    mapping(
        "google-contacts",
        "Google Contacts",
        {
            "Name": "PRINTAS",
            "Given Name": "FIRSTNAME",
            "Additional Name": "INITIAL",
            "Family Name": "LASTNAME",
            "Name Prefix": "PREFIX",
            "Notes": "COMMENTS",
            "E-mail 1 - Value": "EMAIL1",
            "E-mail 2 - Value": "EMAIL2",
            "Phone 1 - Value": "PHONE1",
            "Phone 2 - Value": "PHONE2",
            "Address 1 - Street": "ADDRESS1",
            "Address 1 - Extended Address": "ADDRESS2",
            "Address 1 - City": "CITY",
            "Address 1 - Region": "STATE",
            "Address 1 - Postal Code": "ZIP",
            "Address 1 - Country": "COUNTRY",
            "Organization 1 - Name": "COMPANYNAME",
            "Website 1 - Value": "URL1",
        },
        joins={"NAME": "Given Name+Family Name"},
        skip="Yomi Name|Given Name Yomi|Additional Name Yomi|Family Name Yomi|Name Suffix|Initials|Nickname|"
        "Short Name|Maiden Name|Birthday|Gender|Location|Billing Information|Directory Server|Mileage|Occupation|"
        "Hobby|Sensitivity|Priority|Subject|Group Membership|E-mail 1 - Type|E-mail 2 - Type|E-mail 3 - Type|"
        "E-mail 3 - Value|E-mail 4 - Type|E-mail 4 - Value|Phone 1 - Type|Phone 2 - Type|Phone 3 - Type|"
        "Phone 3 - Value|Phone 4 - Type|Phone 4 - Value|Phone 5 - Type|Phone 5 - Value|Phone 6 - Type|"
        "Phone 6 - Value|Phone 7 - Type|Phone 7 - Value|Address 1 - Type|Address 1 - Formatted|Address 1 - PO Box|"
        "Address 2 - Type|Address 2 - Formatted|Address 2 - Street|Address 2 - City|Address 2 - PO Box|"
        "Address 2 - Region|Address 2 - Postal Code|Address 2 - Country|Address 2 - Extended Address|"
        "Organization 1 - Type|Organization 1 - Yomi Name|Organization 1 - Title|Organization 1 - Department|"
        "Organization 1 - Symbol|Organization 1 - Location|Organization 1 - Job Description|Relation 1 - Type|"
        "Relation 1 - Value|Website 1 - Type|Website 2 - Type|Website 2 - Value",
    ),
    # Thunderbird's address book export. A contact is a person: NAME is the first and last names joined, PRINTAS
    # the display name; the work address rather than the home one. Every line ends with a comma (a last column
    # without a name, always empty).
    mapping(
        "thunderbird",
        "Thunderbird",
        {
            "Display Name": "PRINTAS",
            "First Name": "FIRSTNAME",
            "Last Name": "LASTNAME",
            "Primary Email": "EMAIL1",
            "Secondary Email": "EMAIL2",
            "Work Phone": "PHONE1",
            "Home Phone": "PHONE2",
            "Fax Number": "FAX",
            "Mobile Number": "CELLPHONE",
            "Work Address": "ADDRESS1",
            "Work Address 2": "ADDRESS2",
            "Work City": "CITY",
            "Work State": "STATE",
            "Work ZipCode": "ZIP",
            "Work Country": "COUNTRY",
            "Organization": "COMPANYNAME",
            "Web Page 1": "URL1",
            "Notes": "COMMENTS",
        },
        joins={"NAME": "First Name+Last Name"},
        skip="Nickname|Screen Name|Pager Number|Home Address|Home Address 2|Home City|Home State|Home ZipCode|"
        "Home Country|Job Title|Department|Web Page 2|Birth Year|Birth Month|Birth Day|Custom 1|Custom 2|Custom 3|"
        "Custom 4",
    ),
)
