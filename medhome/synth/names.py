"""Built-in name pools for synthetic people, one per heritage and home language.

Our own lists (not Faker), so that a seed gives the same people on every machine and version.
Pools hold common given names of children born 2005–2026 and of their parents, and common
surnames, as written in US records (Vietnamese surnames without diacritics, as clinics usually
register them). Names are separated by spaces; an underscore stands for a space inside a name.
"""

from dataclasses import dataclass


def _names(text: str) -> tuple[str, ...]:
    return tuple(word.replace("_", " ") for word in text.split())


@dataclass(frozen=True)
class NamePool:
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    surnames: tuple[str, ...]
    # Self-described detail of race/ethnicity the family may give (Child.race_ethnicity_detail).
    details: tuple[str, ...]
    # Some families register compound surnames ("García López").
    compound_surnames: bool = False
    # Women commonly keep their own surname at marriage.
    keeps_surname: bool = False


POOLS: dict[str, NamePool] = {
    "hispanic": NamePool(
        _names(
            "Sofía Isabella Camila Valentina Mía Luciana Valeria Victoria Gabriela Daniela "
            "Ximena Natalia Emma Génesis Mariana Allison Aitana Alondra Ariana Dayana Itzel "
            "Jimena Fernanda Renata Abigail Nicole Yaretzi Esmeralda Guadalupe Paola"
        ),
        _names(
            "Santiago Mateo Matías Sebastián Liam Diego Leonardo Emiliano Daniel Gael Ángel "
            "Adrián Alejandro Jesús Miguel José Luis Carlos Juan Andrés Nicolás Kevin "
            "Jonathan Christopher Iker Dylan Julián Eduardo Rafael Joaquín"
        ),
        _names(
            "María Ana Rosa Carmen Guadalupe Yesenia Marisol Leticia Verónica Alejandra "
            "Patricia Claudia Gabriela Lucía Elena Karla Adriana Mónica Sandra Brenda "
            "Yolanda Silvia Araceli Beatriz Lorena"
        ),
        _names(
            "José Juan Luis Carlos Jorge Miguel Francisco Antonio Manuel Jesús Pedro Ricardo "
            "Fernando Javier Alejandro Roberto Raúl Sergio Héctor Ramón Óscar Eduardo "
            "Armando Víctor Rafael"
        ),
        _names(
            "García Rodríguez Martínez Hernández López González Pérez Sánchez Ramírez Torres "
            "Flores Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ruiz Jiménez "
            "Mendoza Álvarez Castillo Vásquez Romero Herrera Medina Aguilar Vargas Castro "
            "Ramos Muñoz Guzmán Peña Núñez Rosario Santiago Figueroa Cabrera Delgado Soto "
            "Contreras Salazar Navarro Ibarra Orozco Méndez Domínguez"
        ),
        _names(
            "Mexican Puerto_Rican Dominican Salvadoran Guatemalan Honduran Colombian Cuban "
            "Mexican_American Boricua"
        ),
        compound_surnames=True,
        keeps_surname=True,
    ),
    "white": NamePool(
        _names(
            "Olivia Emma Charlotte Amelia Ava Sophia Isabella Mia Evelyn Harper Ella Abigail "
            "Emily Madison Avery Scarlett Grace Chloe Lily Hannah Nora Riley Zoey Claire "
            "Audrey Lucy Quinn Molly Caroline Eleanor"
        ),
        _names(
            "Liam Noah Oliver James Elijah William Henry Lucas Benjamin Theodore Jack Owen "
            "Wyatt Levi Samuel Mason Logan Carter Hudson Connor Ryan Caleb Nathan Eli "
            "Jackson Cooper Gavin Colton Brady Hunter"
        ),
        _names(
            "Jennifer Jessica Ashley Sarah Amanda Elizabeth Megan Lauren Emily Rachel "
            "Stephanie Nicole Heather Melissa Amy Katie Brittany Kelly Rebecca Danielle "
            "Lindsay Erin Kristen Allison Courtney"
        ),
        _names(
            "Michael Christopher Matthew Joshua David Daniel Andrew James Justin Ryan John "
            "Robert Brian Kevin Tyler Jason Eric Adam Kyle Nathan Zachary Timothy Patrick "
            "Sean Jeffrey"
        ),
        _names(
            "Smith Johnson Miller Brown Davis Wilson Anderson Taylor Thomas Moore Martin "
            "Thompson White Clark Lewis Walker Hall Allen Young King Wright Scott Hill Green "
            "Adams Baker Nelson Carter Mitchell Roberts Campbell Parker Evans Edwards Collins "
            "Stewart Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Kelly Howard "
            "Sullivan O'Brien Murray Schmidt Mueller Kowalski Rossi Russo Ferreira Costa"
        ),
        _names(
            "Irish Italian Polish Portuguese German Irish_and_Italian Russian Greek "
            "French_Canadian Albanian"
        ),
    ),
    "black": NamePool(
        _names(
            "Ava Aaliyah Zuri Nevaeh Amara Kennedy Harmony Skylar Maya Naomi Imani Jada "
            "Brielle Kaylani Nia Serenity Londyn Zoe Madison Aniyah Journee Makayla Trinity "
            "Destiny Ayanna Jordyn Kiara Egypt Janiya Layla"
        ),
        _names(
            "Jayden Josiah Elijah Isaiah Jeremiah Malik Kingston Amir Darius Xavier Cameron "
            "Jordan Micah Zion Andre Marcus Jalen Bryce Khalil Tristan Dominic Christian "
            "Caleb Isaac Kendrick Devin Jaylen Terrence Omari Chance"
        ),
        _names(
            "Keisha Tamika Latoya Shanice Ebony Aisha Tiana Monique Jasmine Brittany Crystal "
            "Danielle Ashley Kiara Tanisha Erica Candace Lakisha Chantel Nicole Alicia "
            "Porsha Raven Whitney Simone"
        ),
        _names(
            "Marcus Darnell Andre Terrence Jamal Derrick Tyrone Brandon Antoine Reginald "
            "Malik Darius Corey Dwayne Jerome Kevin Lamar Maurice Rashad Travis Cedric "
            "Jermaine Anthony Curtis Quentin"
        ),
        _names(
            "Williams Johnson Jackson Brown Davis Jones Robinson Harris Thomas Taylor Moore "
            "Washington Thompson Walker White Lewis Wright Jefferson Banks Coleman Bell "
            "Simmons Hayes Gaines Dixon Mack Pierce Holmes Greene Franklin Tucker Barnes "
            "Freeman Battle Ellis Booker Glover Hamilton Owens Randolph"
        ),
        _names(
            "African_American Jamaican Cape_Verdean Nigerian Ghanaian Trinidadian "
            "African_American Black"
        ),
    ),
    "haitian": NamePool(
        _names(
            "Widline Nathalie Roseline Daphnée Stéphanie Fabienne Mirlande Naïka Christelle "
            "Esther Sarah Ketsia Loudina Djenny Judith Berline"
        ),
        _names(
            "Wadner Kervens Stevenson Woodley Jameson Peterson Ricardo Emmanuel Samuel "
            "Davidson Mackenson Fritznel Josué Widlens Jeff Jean-Pierre"
        ),
        _names(
            "Marie Mirlande Guerline Nadège Rose Magalie Yolette Jocelyne Fabienne Carline "
            "Nathalie Widline Manoucheka Roseline"
        ),
        _names(
            "Jean Pierre Jacques Wilner Reginald Fritz Yves Frantz Evens Ronald Jean-Robert "
            "Jean-Claude Wilfrid Patrick"
        ),
        _names(
            "Jean-Baptiste Pierre Joseph Louis Charles Jean Étienne Desir Toussaint Baptiste "
            "Augustin Célestin Alexandre François Michel Paul Dorvil Dorsainvil Exantus "
            "Fleurimond Jean-Louis Lafortune Valcourt Saint-Fleur Thélusma"
        ),
        _names("Haitian Haitian_American"),
        keeps_surname=True,
    ),
    "somali": NamePool(
        _names(
            "Amina Hodan Fadumo Ayaan Hibo Najma Sagal Hamdi Ikraan Ladan Sumaya Nasra Iman "
            "Khadra Filsan Ilhan"
        ),
        _names(
            "Abdirahman Mohamed Ahmed Abdullahi Hassan Ali Yusuf Ibrahim Omar Hamza "
            "Abdikarim Mahad Liban Bilal Khalid Zakaria"
        ),
        _names(
            "Halima Asha Maryan Hawa Khadija Sahra Nimco Faadumo Ubah Deeqa Shukri Safiya "
            "Zamzam Hodan"
        ),
        _names(
            "Mohamed Abdi Ahmed Ali Hassan Abdullahi Omar Mahamud Farah Ismail Abdirizak "
            "Yusuf Hussein Osman"
        ),
        _names(
            "Mohamed Ahmed Ali Hassan Abdi Farah Warsame Osman Yusuf Aden Hussein Jama "
            "Ibrahim Omar Abdullahi Nur Duale Egal Gedi Hirsi"
        ),
        _names("Somali Somali_American"),
        keeps_surname=True,
    ),
    "vietnamese": NamePool(
        _names(
            "Anh Linh Vy Thao Trang Han My Khanh Ngoc Quynh Mai Tien Emily Vivian Tiffany Jenny"
        ),
        _names(
            "Minh Huy Khang Bao Nam Khoa Phuc Duy Long Quan Tuan Kevin Brandon Ethan Andrew Danny"
        ),
        _names("Lan Huong Thuy Hanh Ngoc Mai Thu Phuong Tram Hoa Thao Dung Loan Nga"),
        _names("Minh Tuan Hung Dung Thanh Quang Hai Son Phong Cuong Viet Trung Long Binh"),
        _names(
            "Nguyen Tran Le Pham Hoang Phan Vu Dang Bui Do Ho Ngo Duong Ly Vo Huynh Truong Dinh"
        ),
        _names("Vietnamese Vietnamese_American"),
        keeps_surname=True,
    ),
    "chinese": NamePool(
        _names(
            "Yiting Xinyi Zihan Yuxin Meilin Jiayi Ruoxi Emily Grace Chloe Michelle Angela "
            "Zoe Ivy Joyce Annie"
        ),
        _names(
            "Haoran Zihao Yichen Junjie Zhiwei Yuhang Ethan Kevin Jason Eric Ryan Lucas Andy "
            "Brian Tony Justin"
        ),
        _names("Mei Xiaoling Hui Yan Jing Ying Fang Lina Xiu Wen Qing Hong Ling Li"),
        _names("Wei Jun Ming Jian Hao Lei Qiang Tao Bin Gang Feng Yong Peng Chen"),
        _names(
            "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Lin Chan Wong Cheung Lee Ng Xu "
            "Sun Ma Zhu"
        ),
        _names("Chinese Taiwanese Cantonese Chinese_American"),
        keeps_surname=True,
    ),
    "asian": NamePool(
        _names(
            "Priya Ananya Aanya Chloe Emily Sophia Hannah Grace Isabella Olivia Jasmine Mia "
            "Ella Ishita Seo-yeon Maya"
        ),
        _names(
            "Aarav Arjun Ethan Ryan Lucas Daniel Justin Nathan Aiden Jayden Rohan Vihaan Ian "
            "Joshua Kai Dylan"
        ),
        _names(
            "Priya Anjali Neha Jennifer Christine Grace Michelle Sunita Jiyoung Maria "
            "Rowena Kavya Lily Joy"
        ),
        _names(
            "Rahul Vikram Sanjay David Kevin Daniel Eric Andrew Min-jun Jose Ramon Anil Steven Raj"
        ),
        _names(
            "Patel Shah Kim Park Lee Choi Nguyen Tran Chen Wong Santos Reyes Bautista "
            "Villanueva Aquino Singh Kumar Gupta Desai Cho Yang"
        ),
        _names("Asian_Indian Korean Filipino Cambodian Pakistani Bangladeshi Hmong"),
    ),
    "arabic": NamePool(
        _names(
            "Mariam Layla Noor Sara Yasmin Huda Amira Jana Lina Rania Salma Zainab Malak "
            "Hala Dina Rahaf"
        ),
        _names(
            "Omar Yousef Adam Ali Karim Hamza Zaid Ahmad Khaled Rami Ibrahim Amir Mustafa "
            "Tariq Sami Kareem"
        ),
        _names("Fatima Maha Rana Samira Huda Nadia Amal Hanan Leila Suha Reem Mona Dalia Ghada"),
        _names(
            "Mohammed Ahmad Khalid Hassan Mahmoud Ali Samir Walid Nabil Tarek Fadi Bassam "
            "Ziad Majid"
        ),
        _names(
            "Haddad Khalil Hassan Ali Ahmed Mansour Nasser Saleh Abboud Khoury Hamdan "
            "Darwish Saad Youssef Aziz Farouk Jaber Qasim Salem Awad"
        ),
        _names("Lebanese Syrian Iraqi Egyptian Moroccan Yemeni Palestinian"),
        keeps_surname=True,
    ),
    "aian": NamePool(
        _names(
            "Nizhoni Aiyana Kaya Winona Cheyenne Dakota Hailey Jade Autumn Destiny Kiana "
            "Sierra Skye Shandiin Raven Faith"
        ),
        _names(
            "Ahiga Dakota Hunter Tyler Elijah Cody Jacob Aiden Caleb Jaylen Kodi Nathaniel "
            "Isaiah Logan Dustin Wyatt"
        ),
        _names(
            "Loretta Renee Crystal Brandi Tasha Marlene Darlene Sheila Tonya Valerie Angela "
            "Rochelle Cheryl Bernadette"
        ),
        _names(
            "Travis Shawn Derrick Wesley Randall Leonard Franklin Vernon Lionel Clayton "
            "Darrell Gerald Marvin Elton"
        ),
        _names(
            "Begay Yazzie Benally Tsosie Nez Locklear Harjo Oxendine Chavis Jim Tso Etsitty "
            "Whitehorse Littlefield Deschenie Runningwater Peshlakai Cornsilk Wolfe Grass"
        ),
        _names("Navajo Lumbee Cherokee Ojibwe Lakota Wampanoag Tohono_O'odham"),
    ),
    "nhpi": NamePool(
        _names(
            "Leilani Malia Kaimana Noelani Kailani Mele Pua Luana Keala Alana Lani Losa "
            "Sina Lupe Ana Kalea"
        ),
        _names(
            "Kai Keanu Kalani Makoa Koa Ikaika Sione Tevita Iosefa Noa Kainoa Manu Keoni "
            "Mika Tama Kekoa"
        ),
        _names(
            "Leinani Lokelani Malia Mele Ana Losaline Fetu Kalena Pualani Ofa Seini Tupou "
            "Makana Noelani"
        ),
        _names(
            "Kimo Keoni Kalani Sione Tevita Iosefa Lopeti Mikaele Kawika Palani Sefo "
            "Viliami Kainoa Keola"
        ),
        _names(
            "Kealoha Kahananui Akana Kamakana Kahale Tuilagi Faleolo Fonoti Mahoe Kanahele "
            "Fifita Tupou Taufa Leota Aumua Fuimaono Kaleikini Keawe Nakoa Palakiko"
        ),
        _names("Native_Hawaiian Samoan Tongan Marshallese Chamorro"),
    ),
}

# Which pool names a household: (race/ethnicity category, home language) → pool.
POOL_BY_LANGUAGE = {
    "ht": "haitian",
    "so": "somali",
    "vi": "vietnamese",
    "zh": "chinese",
    "ar": "arabic",
}
POOL_BY_CATEGORY = {
    "hispanic": "hispanic",
    "white": "white",
    "black": "black",
    "asian": "asian",
    "mena": "arabic",
    "aian": "aian",
    "nhpi": "nhpi",
}


def pool_for(category: str, language: str) -> NamePool:
    return POOLS[POOL_BY_LANGUAGE.get(language) or POOL_BY_CATEGORY[category]]


# Names a child goes by (Child.preferred_name).
NICKNAMES = {
    "Alejandro": "Alex",
    "Guadalupe": "Lupita",
    "Sebastián": "Sebas",
    "Santiago": "Santi",
    "Nicolás": "Nico",
    "Jesús": "Chuy",
    "Daniela": "Dani",
    "Mariana": "Mari",
    "Gabriela": "Gabi",
    "Valentina": "Vale",
    "Isabella": "Bella",
    "Abigail": "Abby",
    "William": "Will",
    "Benjamin": "Ben",
    "Theodore": "Teddy",
    "Samuel": "Sam",
    "Christopher": "Chris",
    "Nathaniel": "Nate",
    "Jonathan": "Johnny",
    "Elizabeth": "Liz",
    "Eleanor": "Ellie",
    "Jeremiah": "Jerry",
    "Abdirahman": "Abdi",
    "Mohamed": "Mo",
    "Abdullahi": "Abdi",
    "Alexander": "Xander",
    "Emiliano": "Emi",
    "Fernanda": "Fer",
    "Ximena": "Xime",
    "Kendrick": "Kenny",
    "Davidson": "Dave",
    "Stevenson": "Steve",
    "Yousef": "Joe",
    "Jean-Pierre": "JP",
    "Christelle": "Chris",
    "Zakaria": "Zak",
    "Nathan": "Nate",
    "Makayla": "Kayla",
    "Caroline": "Carrie",
    "Madison": "Maddie",
}
# English names some children of Vietnamese- and Chinese-speaking families go by.
CHOSEN_ENGLISH_NAMES = {
    "female": _names("Emily Vivian Tiffany Jenny Amy Cindy Grace Michelle"),
    "male": _names("Kevin Brandon Ethan Andrew Danny Jason Eric Tony"),
}
# Chosen names of some transgender adolescents, with their pronouns (never from the legal name).
CHOSEN_NAMES = {
    "female": _names("Sophie Luna Maya Lily Ava Camila Jade Elena"),
    "male": _names("Elliot Kai Leo Max Mateo Julian Noah Sam"),
    "nonbinary": _names("River Sky Rowan Alex Jordan Sage Quinn Ari"),
}
