"""The Election Commission's rules, one module per family (ECI-RULES.md). Importing this
package registers every rule with ``engine.rules``."""

from itcell.compliance.rules import (  # noqa: F401 (registers the rules)
    accounts,
    covid,
    exit_polls,
    expenditure,
    imprint,
    mcc,
    platforms,
    precertification,
    silence,
    synthetic,
)
