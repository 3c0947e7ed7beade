"""Fixed lists the library offers: licences (SPDX identifiers), maturity (as publiccode.yml's
`developmentStatus`) and the Digital Scotland Service Standard's criteria.

The criteria's names are taken from the Scottish Government's own pages: points 1 to 10 from
https://servicemanual.gov.scot/browse/digital-scotland-service-standard/dsss, points 11 to 13 from
https://www.gov.scot/publications/digital-scotland-service-standard/ (pages 11, 12 and 13), as stored in the
project's reference search (checked again on 2026-12-07: the stored servicemanual.gov.scot pages list 1 to 13 with
these names). The project's own source data (/work/shared: the brief, DESIGN.md, data/) does not mention the
Service Standard at all, so it confirms none of them. The name of point 14 could not be confirmed from an
authoritative source (the stored pages end their list at 13), so it is kept by its number only (README "Practice
library"); never fill it in from GOV.UK's own Service Standard, whose 14 points are numbered differently.
"""

from django.utils.translation import gettext_lazy as _

# OGL v3 first, then the open licences most used for public-sector code and content, then "not open".
LICENCES = [
    ("OGL-UK-3.0", _("Open Government Licence v3.0 (OGL-UK-3.0)")),
    ("CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC-BY-4.0)")),
    ("CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC-BY-SA-4.0)")),
    ("CC0-1.0", _("Creative Commons Zero 1.0 (CC0-1.0)")),
    ("MIT", _("MIT licence (MIT)")),
    ("Apache-2.0", _("Apache licence 2.0 (Apache-2.0)")),
    ("EUPL-1.2", _("European Union Public Licence 1.2 (EUPL-1.2)")),
    ("GPL-3.0-or-later", _("GNU General Public Licence v3.0 or later (GPL-3.0-or-later)")),
    ("AGPL-3.0-or-later", _("GNU Affero General Public Licence v3.0 or later (AGPL-3.0-or-later)")),
    ("MPL-2.0", _("Mozilla Public Licence 2.0 (MPL-2.0)")),
    ("BSD-3-Clause", _("BSD 3-clause licence (BSD-3-Clause)")),
    ("LicenseRef-not-open", _("Not openly licensed: ask the owner")),
]
OPEN_LICENCES = {code for code, _label in LICENCES if code != "LicenseRef-not-open"}

STANDARD_CRITERIA = [
    (1, _("Understand users and their needs")),
    (2, _("Solve a whole problem for users")),
    (3, _("Design and deliver a joined-up experience")),
    (4, _("Help users succeed first time")),
    (5, _("Make sure everyone can use the service")),
    (6, _("Have a multidisciplinary team")),
    (7, _("Iterate and improve frequently")),
    (8, _("Create a secure service which protects users' privacy")),
    (9, _("Define what success looks like and publish performance data")),
    (10, _("Choose the right tools and technology")),
    (11, _("Make new source code open")),
    (12, _("Use and contribute to shared digital practices, processes, components, standards, patterns and "
           "platforms")),
    (13, _("Operate a reliable service")),
    (14, _("Criterion 14")),
]
