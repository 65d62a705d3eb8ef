"""`python -m geo …`: the command line partners script. Commands, options and field names are a contract."""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from geo import config
from geo.errors import GupError, InputError, incident, incident_message
from geo.territory.generations import GENERATIONS

if TYPE_CHECKING:  # the command line imports its heavy parts lazily, when a command needs them
    from geo.geocode import Geocoder


def _build_data(args: argparse.Namespace) -> int:
    from geo.sources.build import build_data

    print(build_data(commune=args.commune, territory=args.territoire, generation=args.generation,
                     contours_2024=args.contours_2024).summary())
    return 0


def _locate(args: argparse.Namespace) -> int:
    from geo.directory.listings import default_locator
    from geo.territory.locate import check_coordinates

    check_coordinates(args.lon, args.lat)
    at = _moment(args.at)
    answer = default_locator(args.generation).locate(args.lon, args.lat)
    if args.json:
        print(json.dumps(answer.to_dict(at), ensure_ascii=False, indent=2))
        return 0
    from geo.render.present import answer_headline
    from geo.territory.phone import phone_display

    print(answer_headline(answer))
    if notice := answer.generation_notice():
        print(notice)
    for s in answer.structures:
        print(f"- {s.nom} : {phone_display(s.telephone)}")
    return 0


def _moment(text: str | None) -> datetime:
    """--at as a Paris wall-clock time (or with its own offset); now when absent."""
    from geo.territory.hours import moment_from_text, now

    return now() if text is None else moment_from_text(text)


def _signaler(args: argparse.Namespace) -> int:
    from geo.directory.listings import default_locator
    from geo.problems.contacts import load_panel
    from geo.problems.panel import route

    locator = default_locator()
    if (args.lon is None) != (args.lat is None):
        raise InputError("Donnez --lon et --lat ensemble, ou aucun des deux.")
    place = locator.locate(args.lon, args.lat) if args.lon is not None else None
    answer = route(load_panel(config.data_dir(), locator.dataset), locator.dataset, args.theme,
                   place.quartier.code if place and place.quartier else None, place.commune_code if place else None)
    if args.json:
        print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
        return 0
    for sub in answer.sous_themes:
        print(f"{sub.libelle} :")
        for c in sub.contacts:
            print(f"- {c.nom}" + (f" : {c.telephone}" if c.telephone else "") + f" — {c.pourquoi}")
    print("En cas d'urgence : " + ", ".join(f"{c.telephone} ({c.nom})" for c in answer.urgence))
    return 0


def _address_index(args: argparse.Namespace) -> int:
    from geo.geocode import build_offline_index

    target, count = build_offline_index(Path(args.path), config.commune(), config.data_dir())
    print(f"{count} adresses de la commune {config.commune()} indexées dans {target}.")
    return 0


def _geocode(args: argparse.Namespace) -> int:
    from geo.geocode import make_geocoder

    results = make_geocoder().search(args.query, limit=args.limit)
    if args.json:
        print(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    elif not results:
        print("Aucune adresse trouvée.")
    for r in [] if args.json else results:
        note = "" if r.in_commune else " (hors de la commune)"
        print(f"{r.label} — score {r.score:.2f} — {r.lon:.6f}, {r.lat:.6f}{note}")
    return 0


def _reverse(args: argparse.Namespace) -> int:
    from geo.geocode import make_geocoder
    from geo.territory.locate import check_coordinates

    check_coordinates(args.lon, args.lat)
    result = make_geocoder().reverse(args.lon, args.lat)
    if args.json:
        print(json.dumps(result.to_dict() if result else None, ensure_ascii=False, indent=2))
    else:
        print(result.label if result else "Aucune adresse connue près de ce point.")
    return 0


def _locate_csv(args: argparse.Namespace) -> int:
    source, target = Path(args.input), Path(args.output)
    if args.engine == "dask":
        from geo.formats.dask_engine import locate_csv_dask
        from geo.formats.data import served_territory

        report = locate_csv_dask(source, target, data_dir=config.data_dir(), commune=served_territory(),
                                 scheduler=args.scheduler)
    else:
        from tqdm import tqdm

        from geo.directory.listings import default_locator
        from geo.formats.batch import locate_csv

        with tqdm(unit=" lignes", unit_scale=True, file=sys.stderr, disable=None, desc="Localisation") as bar:
            report = locate_csv(default_locator(), source, target, chunk_rows=args.chunk_size, progress=bar.update,
                                geocoder=_lazy_geocoder)
    print(report.summary(), file=sys.stderr)
    return 0


def _lazy_geocoder() -> Geocoder:
    """Only files of addresses need a geocoder: files of coordinates never touch the network."""
    from geo.geocode import make_geocoder

    return make_geocoder()


def _export_map(args: argparse.Namespace) -> int:
    from geo.directory.listings import configured_dataset
    from geo.files import write_atomic
    from geo.render.standalone import standalone_map_html

    html = standalone_map_html(configured_dataset())
    write_atomic(Path(args.output), html)
    print(f"Écrit : {args.output} ({len(html.encode()) // 1024} Kio)", file=sys.stderr)
    return 0


def _serve_api(args: argparse.Namespace) -> int:
    from geo.http.api import create_app
    from geo.http.server import run

    run(create_app(), args.host, args.port)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from geo.http.server import SERVER_APP, run

    run(SERVER_APP, args.host, args.port)
    return 0


def _coverage(args: argparse.Namespace) -> int:
    from geo.directory.listings import configured_dataset
    from geo.planning.exports import coverage_csv, coverage_json
    from geo.territory.coverage import coverage_cells

    cells = coverage_cells(configured_dataset())
    sys.stdout.write(coverage_json(cells) + "\n" if args.format == "json" else coverage_csv(cells))
    return 0


def _export(args: argparse.Namespace) -> int:
    from geo.directory.listings import configured_dataset
    from geo.planning.exports import write_export

    written = write_export(configured_dataset(), args.format, Path(args.output))
    print("Écrit : " + ", ".join(str(p) for p in written), file=sys.stderr)
    return 0


class FrenchParser(argparse.ArgumentParser):
    """argparse speaks English: its few error messages are said again in French, then exit 2."""

    TRANSLATIONS = (
        (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
        (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)", r"argument \1 : choix invalide \2 (possibles : \3)"),
        (r"argument (\S+): expected one argument", r"argument \1 : une valeur est attendue"),
        (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
        (r"argument (\S+): invalid (\w+) value: (.*)", r"argument \1 : valeur invalide \3"),
        (r"argument (\S+): (.*)", r"argument \1 : \2"),
    )

    def error(self, message: str) -> NoReturn:
        import re

        for pattern, french in self.TRANSLATIONS:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, french, message)
                break
        sys.stderr.write(self.format_usage().replace("usage:", "utilisation :", 1))
        self.exit(2, f"Erreur : {message}\n")


def coordinate(text: str) -> float:
    """A number as typed by a person: decimal point or comma; 'nan' and 'inf' are numbers to Python, not here."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre (exemple : 2.3397)") from None


def parser() -> argparse.ArgumentParser:
    p = FrenchParser(prog="python -m geo", description="Carte de la médiation — GUP Carcassonne.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMANDE", parser_class=FrenchParser)

    build = sub.add_parser("build-data", help="construit data/quartiers.geojson depuis les sources officielles")
    build.add_argument("--commune", default=None, help=f"code INSEE (défaut : GUP_COMMUNE = {config.commune()})")
    build.add_argument("--territoire", default=None, metavar="CODES",
                       help="codes séparés par des virgules : communes, départements (11), EPCI (SIREN), region:76 ou "
                            "france (défaut : GUP_TERRITOIRE, sinon --commune)")
    build.add_argument("--generation", choices=(*GENERATIONS, "all"), default="all",
                       help="génération des quartiers à construire : 2015, 2024 ou all, toutes celles dont les "
                            "contours sont disponibles (défaut : all)")
    build.add_argument("--contours-2024", type=Path, default=None, metavar="FICHIER",
                       help="contours 2024 téléchargés à la main : l'archive ZIP officielle telle quelle, ou le "
                            "GeoJSON qui en est extrait (défaut : le miroir, sinon data.gouv.fr)")
    build.set_defaults(run=_build_data)

    loc = sub.add_parser("locate", help="quartier et structures pour un point")
    loc.add_argument("--lon", type=coordinate, required=True, help="longitude (WGS84), ex. 2.3397")
    loc.add_argument("--lat", type=coordinate, required=True, help="latitude (WGS84), ex. 43.2198")
    loc.add_argument("--json", action="store_true", help="réponse en JSON")
    loc.add_argument("--at", default=None, metavar="AAAA-MM-JJTHH:MM",
                     help="moment (heure de Paris) pour le champ « ouvert » de chaque structure ; défaut : maintenant")
    loc.add_argument("--generation", choices=GENERATIONS, default=None,
                     help="génération des contours qui répond (défaut : GUP_GENERATION, sinon la plus récente "
                          "construite)")
    loc.set_defaults(run=_locate)

    index = sub.add_parser("address-index", help="construit l'index d'adresses hors ligne depuis le fichier de la BAN")
    index.add_argument("path", metavar="adresses-11.csv.gz", help="fichier BAN du département (csv ou csv.gz, séparé par ;)")
    index.set_defaults(run=_address_index)

    geocode = sub.add_parser("geocode", help="cherche une adresse")
    geocode.add_argument("query", metavar="ADRESSE", help="ex. « 12 rue Jules Sauzède »")
    geocode.add_argument("--limit", type=int, default=5, help="nombre de réponses (défaut : 5)")
    geocode.add_argument("--json", action="store_true", help="réponse en JSON")
    geocode.set_defaults(run=_geocode)

    reverse = sub.add_parser("reverse", help="l'adresse la plus proche d'un point")
    reverse.add_argument("--lon", type=coordinate, required=True)
    reverse.add_argument("--lat", type=coordinate, required=True)
    reverse.add_argument("--json", action="store_true", help="réponse en JSON")
    reverse.set_defaults(run=_reverse)

    gup = sub.add_parser("signaler", help="qui contacter pour un problème de propreté, voirie, tranquillité…")
    gup.add_argument("--theme", required=True, metavar="CLE", help="thème ou sous-thème, ex. encombrants, voirie")
    gup.add_argument("--lon", type=coordinate, default=None, help="longitude du problème (facultatif)")
    gup.add_argument("--lat", type=coordinate, default=None, help="latitude du problème (facultatif)")
    gup.add_argument("--json", action="store_true", help="réponse en JSON")
    gup.set_defaults(run=_signaler)

    batch = sub.add_parser("locate-csv", help="ajoute quartier, statut et structures à chaque ligne d'un CSV")
    batch.add_argument("input", metavar="IN.csv",
                       help="CSV avec colonnes longitude et latitude, ou adresse (et éventuellement code_postal, commune)")
    batch.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="fichier écrit")
    batch.add_argument("--chunk-size", type=int, default=config.BATCH_CHUNK_ROWS, metavar="N",
                       help=f"lignes lues et écrites à la fois (mémoire bornée) ; défaut : {config.BATCH_CHUNK_ROWS}")
    batch.add_argument("--engine", choices=("default", "dask"), default="default",
                       help="dask : partitions en parallèle sur un cluster Dask (local par défaut)")
    batch.add_argument("--scheduler", default=None, metavar="ADRESSE",
                       help="adresse d'un ordonnanceur Dask existant (ex. tcp://10.0.0.5:8786) ; défaut : cluster local")
    batch.set_defaults(run=_locate_csv)

    cov = sub.add_parser("coverage", help="matrice quartier × type d'aide")
    cov.add_argument("--format", choices=("csv", "json"), default="csv")
    cov.set_defaults(run=_coverage)

    carte = sub.add_parser("export-map", help="carte autonome en un seul fichier HTML, à héberger partout")
    carte.add_argument("-o", "--output", required=True, metavar="carte.html")
    carte.set_defaults(run=_export_map)

    serve = sub.add_parser("serve", help="sert tout sur une adresse : pages, page légère /simple, API /v1, /docs, "
                                         "/healthz")
    serve.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8501, help="port (défaut : 8501)")
    serve.set_defaults(run=_serve)

    api = sub.add_parser("serve-api", help="sert l'API JSON seule, avec /simple (documentation sur /docs)")
    api.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    api.add_argument("--port", type=int, default=8000, help="port (défaut : 8000)")
    api.set_defaults(run=_serve_api)

    from geo.planning import EXPORT_FORMATS

    exp = sub.add_parser("export", help=f"exporte la couverture ({', '.join(EXPORT_FORMATS)})")
    exp.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    exp.add_argument("-o", "--output", required=True, metavar="PATH",
                     help="fichier écrit ; pour datainclusion, dossier qui reçoit structures.json et services.json")
    exp.set_defaults(run=_export)

    from geo.cli import directory, mail, problems

    directory.register(sub)
    mail.register(sub)
    problems.register(sub, directory.by_option())
    return p


def main(argv: list[str] | None = None) -> int:
    if not sys.warnoptions:  # a library's warning speaks to its developers, not to a partner's script (-W shows them)
        warnings.simplefilter("ignore")
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except BrokenPipeError:  # the reader stopped reading (`| head`): not an error, and nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except GupError as exc:  # the one place the CLI turns a known error into a message
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # anything else: a reference for the user, the stack in the log
        _log_to_file()
        print(f"Erreur : {incident_message(incident(exc))}", file=sys.stderr)
        return 70


def _log_to_file() -> None:
    """Operators read stacks in GUP_LOG_FILE; the terminal only shows the reference."""
    import logging

    path = config.log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("geo")
    logger.addHandler(handler)
    logger.propagate = False
