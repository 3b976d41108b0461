"""One typed settings object: secrets from the environment / `.env`, behaviour from TOML."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from storage.db import DEFAULT_DATABASE_URL


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL

    @classmethod
    def load(cls, env_file: Path | None = Path(".env")) -> Settings:
        if env_file is not None and env_file.exists():
            load_dotenv(env_file, override=False)
        return cls(database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
