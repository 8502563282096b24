from ninja import NinjaAPI

api = NinjaAPI(title="Pilote TI", version="1", docs_url="/docs")
