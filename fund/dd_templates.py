"""The standard due-diligence checklist per area, for a Chinese fintech startup."""

from __future__ import annotations

CHECKLIST_TEMPLATES: dict[str, tuple[str, ...]] = {
    "team": (
        "Founders' and key managers' backgrounds, with reference calls",
        "Background checks: credit reports, court judgments and the dishonest-debtor list",
        "Founders full-time; non-compete and IP duties to former employers cleared",
        "Organisation chart, key hires planned and hiring pipeline",
        "Employee share incentive pool and vesting of the founders' shares",
        "Key-person dependency and succession",
    ),
    "market": (
        "Market size and growth (TAM/SAM/SOM) with sources",
        "Target customers (banks, SMEs, consumers) and their willingness to pay",
        "Competition: incumbents, big-tech platforms and funded peers",
        "Customer reference calls (at least five)",
        "Sales channels, customer acquisition cost and sales cycle",
        "Policy drivers and the local fintech hub's support",
    ),
    "product": (
        "Product demo and roadmap review",
        "Architecture, scalability and hosting (cloud provider, data centres in China)",
        "Core technology: proprietary models and algorithms, source code ownership",
        "Security testing: penetration test and MLPS (dengbao) classification level",
        "Dependence on third-party platforms, APIs and licensed data sources",
        "Product metrics: active users, retention, transaction volume",
    ),
    "financials": (
        "Audited statements (last 3 years) and current management accounts",
        "Revenue quality: customer concentration, recurring share, recognition policy",
        "Unit economics: gross margin, acquisition cost, lifetime value, payback",
        "Cash runway, burn rate and funding plan",
        "Budget and five-year plan: assumptions tested",
        "Tax: VAT, enterprise income tax, high-tech enterprise status",
        "Related-party transactions, guarantees and off-balance-sheet liabilities",
    ),
    "legal": (
        "Corporate structure, business licence and articles (VIE, if any)",
        "Cap table and share ledger reconciled with the SAMR registration",
        "IP ownership: patents, software copyrights, trademarks; assignments from founders",
        "Material contracts: customers, suppliers, partner banks and institutions",
        "Litigation, arbitration and administrative penalties",
        "Employment contracts, social insurance and housing fund contributions",
        "Earlier financing documents: investors' rights, preferences, consents needed",
    ),
    "regulatory": (
        "Licences held or needed (payment licence, microlending, credit reporting, fund sales)",
        "Fintech innovation trial / regulatory sandbox status (PBoC, local financial bureau)",
        "AML/CFT and KYC programme: policies, screening, suspicious transaction reports",
        "Data security and personal information protection (PIPL, Data Security Law)",
        "Cross-border data transfer: security assessment, standard contract or certification",
        "Work with licensed institutions: lending facilitation and outsourcing rules",
        "Consumer protection: marketing, fee disclosure and complaint handling",
    ),
}
