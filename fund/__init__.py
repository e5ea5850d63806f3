"""Hub KPIs, fund metrics and the CLI: the domain, with no Streamlit."""
