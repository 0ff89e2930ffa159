"""Synthetic news-database exports (our own text, in the layouts the databases use)."""

NEXIS_UNI = """\
Council votes to outsource children's services

The Northshire Gazette
April 17, 2014 Thursday
Online Edition

Copyright 2014 Northshire Media Ltd All Rights Reserved

Section: NEWS; Version:2
Length: 64 words
Byline: Ann Writer
Body

The council voted on Wednesday to hand its children's services to an independent trust.

Opponents said the decision was rushed and that families had not been asked.

Load-Date: April 18, 2014

End of Document

Trust chief named for children's services

The Evening Courier
May 2, 2014 Friday

Copyright 2014 Courier Group

Length: 41 words
Byline: Ben Other
Body

A former social worker will lead the new children's trust from June.

She promised to keep every local office open during the first year.

Load-Date: May 3, 2014

End of Document
"""

ACADEMIC = """\
                              1 of 2 DOCUMENTS

                         The Northshire Gazette

                          April 17, 2014 Thursday

Council votes to outsource children's services

BYLINE: Ann Writer

SECTION: NEWS; Pg. 4

LENGTH: 64 words

The council voted on Wednesday to hand its children's services to an independent trust.

Opponents said the decision was rushed and that families had not been asked.

LOAD-DATE: April 18, 2014

LANGUAGE: ENGLISH

                              2 of 2 DOCUMENTS

                          The Evening Courier

                           May 2, 2014 Friday

Trust chief named for children's services

BYLINE: Ben Other

LENGTH: 41 words

A former social worker will lead the new children's trust from June.

LOAD-DATE: May 3, 2014

LANGUAGE: ENGLISH
"""

FACTIVA = """\
Council votes to outsource children's services
By Ann Writer
64 words
17 April 2014
The Northshire Gazette
NRTHG
English
Copyright 2014 Northshire Media Ltd

The council voted on Wednesday to hand its children's services to an independent trust.

Opponents said the decision was rushed and that families had not been asked.

Document NRTHG00020140417ea4h0001n

Trust chief named for children's services
By Ben Other
41 words
2 May 2014
The Evening Courier
EVCOUR
English
(c) 2014 Courier Group

A former social worker will lead the new children's trust from June.

Document EVCOUR0020140502ea520002x
"""
