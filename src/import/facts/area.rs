//! The area of a page from its words: a transparent classifier.
//!
//! Each area of the database's vocabulary has stems (the start of a word,
//! folded: `kanalizac` for `kanalizacji`) and phrases of stems (`dom kultur` for
//! `Domu Kultury`), each with a weight: 3 for words that name the area on
//! their own (`oczyszczalni`, `termomodernizacji`, `konsultacje`), 2 for words
//! that point to it, 1 for words that lean towards it. A word counts for its
//! longest matching stem only (`szkolenie` is training, not a school), and a
//! phrase takes its words away from the single stems. The title counts three
//! times, the first paragraph twice, the rest once; one stem counts at most
//! three times, so a word repeated down a page does not outweigh the others.
//!
//! The area with the highest score wins when it reaches [`MIN_SCORE`]; below
//! that, the page is filed under Usługi społeczne with a doubt. A runner-up
//! close behind ([`CLOSE`]) makes the choice doubtful too.
//!
//! Why rules rather than a model: the importer must say why it filed a page
//! where it did (the words are kept in `facts_from`), a wrong area is fixed by
//! editing a line of this table, and no package in the registries ships a
//! Polish topic model for these twelve areas; a model trained here on a few
//! hundred pages would be neither explainable nor better.

use std::collections::HashMap;

use super::{Fact, words};
use crate::practice::Area;

/// The least score that files a page under an area without doubt.
pub const MIN_SCORE: f64 = 4.0;

/// A runner-up with at least this share of the winner's score makes the area doubtful.
pub const CLOSE: f64 = 0.85;

/// How many times one stem counts at most.
const MAX_REPEATS: usize = 3;

use Area::*;

/// Stems and phrases of stems, space-separated, with their area and weight.
/// Weight 0 marks words that must not count for a shorter stem
/// (`szkolen` keeps `szkolenie` from counting as `szkol`).
const STEMS: &[(&str, Area, f64)] = &[
    // Kultura.
    ("bibliotek", Kultura, 3.0),
    ("muzeum", Kultura, 3.0),
    ("muzea", Kultura, 3.0),
    ("muzealn", Kultura, 3.0),
    ("teatr", Kultura, 3.0),
    ("koncert", Kultura, 3.0),
    ("festiwal", Kultura, 3.0),
    ("festyn", Kultura, 1.0),
    ("zabyt", Kultura, 3.0),
    ("dziedzictw", Kultura, 3.0),
    ("folklor", Kultura, 3.0),
    ("orkiestr", Kultura, 3.0),
    ("artyst", Kultura, 2.0),
    ("wystaw", Kultura, 2.0),
    ("kultur", Kultura, 2.0),
    ("kulturaln", Kultura, 3.0),
    ("dom kultur", Kultura, 3.0),
    ("osrodek kultur", Kultura, 3.0),
    ("centrum kultur", Kultura, 3.0),
    ("izba regionaln", Kultura, 3.0),
    ("izba pamiec", Kultura, 3.0),
    ("rekodziel", Kultura, 2.0),
    ("ludow", Kultura, 2.0),
    ("tradycj", Kultura, 1.0),
    ("tradycyjn", Kultura, 1.0),
    ("czytelni", Kultura, 2.0),
    ("ksiazk", Kultura, 2.0),
    ("literac", Kultura, 2.0),
    ("poezj", Kultura, 2.0),
    ("muzyk", Kultura, 2.0),
    ("muzyczn", Kultura, 2.0),
    ("spiew", Kultura, 2.0),
    ("taniec", Kultura, 2.0),
    ("taneczn", Kultura, 2.0),
    ("kino", Kultura, 2.0),
    ("filmow", Kultura, 1.0),
    ("plastyczn", Kultura, 1.0),
    ("kgw", Kultura, 1.0),
    ("gospodyn wiejsk", Kultura, 1.0),
    ("kol gospodyn", Kultura, 1.0),
    ("kola gospodyn", Kultura, 1.0),
    ("kolo gospodyn", Kultura, 1.0),
    // Pomoc społeczna.
    ("pomoc spoleczn", PomocSpoleczna, 2.0),
    ("pomocy spoleczn", PomocSpoleczna, 2.0),
    ("gops", PomocSpoleczna, 2.0),
    ("mops", PomocSpoleczna, 2.0),
    ("mgops", PomocSpoleczna, 2.0),
    ("mopr", PomocSpoleczna, 2.0),
    ("ops", PomocSpoleczna, 2.0),
    ("pcpr", PomocSpoleczna, 2.0),
    ("wyklucz", PomocSpoleczna, 3.0),
    ("ubostw", PomocSpoleczna, 3.0),
    ("bezdomn", PomocSpoleczna, 3.0),
    ("niepelnospraw", PomocSpoleczna, 2.0),
    ("asystent rodzin", PomocSpoleczna, 3.0),
    ("asystenta rodzin", PomocSpoleczna, 3.0),
    ("asystent osobist", PomocSpoleczna, 3.0),
    ("asystenc osobist", PomocSpoleczna, 3.0),
    ("asystenta osobist", PomocSpoleczna, 3.0),
    ("opiek wytchnieniow", PomocSpoleczna, 3.0),
    ("opieki wytchnieniow", PomocSpoleczna, 3.0),
    ("opiekunc", PomocSpoleczna, 3.0),
    ("teleopiek", PomocSpoleczna, 3.0),
    ("senior", PomocSpoleczna, 2.0),
    ("seniorz", PomocSpoleczna, 2.0),
    ("starsz", PomocSpoleczna, 1.0),
    ("dom pomocy", PomocSpoleczna, 3.0),
    ("dps", PomocSpoleczna, 3.0),
    ("samopomoc", PomocSpoleczna, 3.0),
    ("sds", PomocSpoleczna, 2.0),
    ("integracj spoleczn", PomocSpoleczna, 3.0),
    ("integracji spoleczn", PomocSpoleczna, 3.0),
    ("aktywn integracj", PomocSpoleczna, 3.0),
    ("aktywnej integracj", PomocSpoleczna, 3.0),
    ("aktywizacj spoleczn", PomocSpoleczna, 3.0),
    ("aktywizacji spoleczn", PomocSpoleczna, 3.0),
    ("spoleczno zawodow", PomocSpoleczna, 3.0),
    ("aktywizacj zawodow", PomocSpoleczna, 2.0),
    ("aktywizacji zawodow", PomocSpoleczna, 2.0),
    ("bezrobotn", PomocSpoleczna, 2.0),
    ("przemoc", PomocSpoleczna, 3.0),
    ("rodzin", PomocSpoleczna, 1.0),
    ("rodzinn", PomocSpoleczna, 1.0),
    ("piecz zastepcz", PomocSpoleczna, 3.0),
    ("pieczy zastepcz", PomocSpoleczna, 3.0),
    ("rodzin zastepcz", PomocSpoleczna, 3.0),
    ("swiadczen", PomocSpoleczna, 2.0),
    ("zasilk", PomocSpoleczna, 3.0),
    ("zywnosc", PomocSpoleczna, 3.0),
    ("zywieniow", PomocSpoleczna, 2.0),
    ("paczk", PomocSpoleczna, 1.0),
    ("posil", PomocSpoleczna, 2.0),
    ("dozywian", PomocSpoleczna, 3.0),
    ("kontrakt socjaln", PomocSpoleczna, 3.0),
    ("kontrakty socjaln", PomocSpoleczna, 3.0),
    ("prac socjaln", PomocSpoleczna, 3.0),
    ("pracy socjaln", PomocSpoleczna, 3.0),
    ("pracownik socjaln", PomocSpoleczna, 3.0),
    ("pracownicy socjaln", PomocSpoleczna, 3.0),
    ("socjaln", PomocSpoleczna, 2.0),
    ("cis", PomocSpoleczna, 3.0),
    ("kis", PomocSpoleczna, 3.0),
    ("uzaleznien", PomocSpoleczna, 1.0),
    ("ukrain", PomocSpoleczna, 1.0),
    ("uchodzc", PomocSpoleczna, 3.0),
    ("potrzebuj", PomocSpoleczna, 2.0),
    ("trudnej sytuacji", PomocSpoleczna, 2.0),
    ("karta duzej rodzin", PomocSpoleczna, 3.0),
    ("karty duzej rodzin", PomocSpoleczna, 3.0),
    ("opiekun", PomocSpoleczna, 1.0),
    ("podopieczn", PomocSpoleczna, 2.0),
    ("wsparci", PomocSpoleczna, 0.5),
    ("dzienn dom", PomocSpoleczna, 3.0),
    ("dzienny dom", PomocSpoleczna, 3.0),
    ("dziennego domu", PomocSpoleczna, 3.0),
    ("klub senior", PomocSpoleczna, 3.0),
    ("klubu senior", PomocSpoleczna, 3.0),
    // Oświata.
    ("szkol", Oswiata, 3.0),
    ("szkolen", RozwojInstytucjonalny, 1.0),
    ("szkolon", RozwojInstytucjonalny, 1.0),
    ("przedszkol", Oswiata, 3.0),
    ("uczni", Oswiata, 3.0),
    ("uczen", Oswiata, 3.0),
    ("uczniow", Oswiata, 3.0),
    ("nauczyc", Oswiata, 3.0),
    ("edukac", Oswiata, 2.0),
    ("edukacyjn", Oswiata, 2.0),
    ("oswiat", Oswiata, 3.0),
    ("lekcj", Oswiata, 2.0),
    ("pracowni", Oswiata, 2.0),
    ("klas", Oswiata, 1.0),
    ("klasyfik", Oswiata, 0.0),
    ("zlob", Oswiata, 2.0),
    ("zlobk", Oswiata, 2.0),
    ("stypend", Oswiata, 2.0),
    ("laborator", Oswiata, 2.0),
    ("dydakty", Oswiata, 3.0),
    ("gimnazj", Oswiata, 3.0),
    ("liceum", Oswiata, 3.0),
    ("absolwent", Oswiata, 2.0),
    ("uczelni", Oswiata, 2.0),
    ("student", Oswiata, 1.0),
    ("ksztalc", Oswiata, 2.0),
    ("matur", Oswiata, 2.0),
    ("egzamin", Oswiata, 1.0),
    ("erasmus", Oswiata, 2.0),
    ("tablic interaktywn", Oswiata, 2.0),
    ("wychowank", Oswiata, 2.0),
    ("dzieci", Oswiata, 0.5),
    ("mlodziez", Oswiata, 0.5),
    // Ochrona zdrowia.
    ("zdrow", OchronaZdrowia, 2.0),
    ("zdrowotn", OchronaZdrowia, 3.0),
    ("ochrony zdrowia", OchronaZdrowia, 3.0),
    ("profilakty", OchronaZdrowia, 2.0),
    ("szczepi", OchronaZdrowia, 3.0),
    ("przesiewow", OchronaZdrowia, 3.0),
    ("lekarz", OchronaZdrowia, 3.0),
    ("lekarsk", OchronaZdrowia, 3.0),
    ("przychodni", OchronaZdrowia, 3.0),
    ("szpital", OchronaZdrowia, 3.0),
    ("rehabilit", OchronaZdrowia, 2.0),
    ("medyczn", OchronaZdrowia, 3.0),
    ("pielegniar", OchronaZdrowia, 3.0),
    ("ratownik", OchronaZdrowia, 2.0),
    ("ratownictw", OchronaZdrowia, 2.0),
    ("defibrylator", OchronaZdrowia, 3.0),
    ("onkolog", OchronaZdrowia, 3.0),
    ("nowotwor", OchronaZdrowia, 3.0),
    ("cukrzyc", OchronaZdrowia, 3.0),
    ("psychiatr", OchronaZdrowia, 3.0),
    ("psychoterap", OchronaZdrowia, 2.0),
    ("pacjent", OchronaZdrowia, 3.0),
    ("covid", OchronaZdrowia, 2.0),
    ("stomatolog", OchronaZdrowia, 3.0),
    ("dentyst", OchronaZdrowia, 3.0),
    ("mammograf", OchronaZdrowia, 3.0),
    ("cytolog", OchronaZdrowia, 3.0),
    ("fizjoterap", OchronaZdrowia, 3.0),
    ("hospicj", OchronaZdrowia, 3.0),
    ("chorob", OchronaZdrowia, 2.0),
    ("chorych", OchronaZdrowia, 2.0),
    ("krwiodaw", OchronaZdrowia, 3.0),
    ("alkohol", OchronaZdrowia, 1.0),
    ("narkot", OchronaZdrowia, 1.0),
    ("badania profilakty", OchronaZdrowia, 3.0),
    // Sport i rekreacja.
    ("sport", SportIRekreacja, 3.0),
    ("boisk", SportIRekreacja, 3.0),
    ("orlik", SportIRekreacja, 3.0),
    ("silowni", SportIRekreacja, 3.0),
    ("rekreac", SportIRekreacja, 3.0),
    ("plac zabaw", SportIRekreacja, 3.0),
    ("placu zabaw", SportIRekreacja, 3.0),
    ("placow zabaw", SportIRekreacja, 3.0),
    ("place zabaw", SportIRekreacja, 3.0),
    ("rower", SportIRekreacja, 2.0),
    ("basen", SportIRekreacja, 3.0),
    ("plywal", SportIRekreacja, 3.0),
    ("turniej", SportIRekreacja, 2.0),
    ("zawodnik", SportIRekreacja, 3.0),
    ("zawodow", PomocSpoleczna, 0.0),
    ("pilk", SportIRekreacja, 3.0),
    ("pilkar", SportIRekreacja, 3.0),
    ("stadion", SportIRekreacja, 3.0),
    ("skatepark", SportIRekreacja, 3.0),
    ("kapielisk", SportIRekreacja, 3.0),
    ("workout", SportIRekreacja, 3.0),
    ("lekkoatlet", SportIRekreacja, 3.0),
    ("trening", SportIRekreacja, 1.0),
    ("tenis", SportIRekreacja, 3.0),
    ("siatkow", SportIRekreacja, 3.0),
    ("koszykow", SportIRekreacja, 3.0),
    ("olimpi", SportIRekreacja, 2.0),
    ("fitness", SportIRekreacja, 3.0),
    ("nordic", SportIRekreacja, 3.0),
    ("kajak", SportIRekreacja, 2.0),
    ("turyst", SportIRekreacja, 2.0),
    ("wypoczyn", SportIRekreacja, 2.0),
    ("aktywnosc fizyczn", SportIRekreacja, 3.0),
    ("aktywnosci fizyczn", SportIRekreacja, 3.0),
    ("gimnasty", SportIRekreacja, 2.0),
    ("bieg", SportIRekreacja, 1.0),
    ("biegow", SportIRekreacja, 1.0),
    ("szlak", SportIRekreacja, 2.0),
    ("wiat", SportIRekreacja, 1.0),
    ("park", SportIRekreacja, 1.0),
    ("rekreacyjn", SportIRekreacja, 3.0),
    // Usługi techniczne.
    ("kanalizac", UslugiTechniczne, 3.0),
    ("wodociag", UslugiTechniczne, 3.0),
    ("oczyszczal", UslugiTechniczne, 3.0),
    ("sciek", UslugiTechniczne, 3.0),
    ("sciekow", UslugiTechniczne, 3.0),
    ("drog", UslugiTechniczne, 2.0),
    ("drogow", UslugiTechniczne, 3.0),
    ("chodnik", UslugiTechniczne, 3.0),
    ("nawierzchn", UslugiTechniczne, 3.0),
    ("jezdn", UslugiTechniczne, 3.0),
    ("asfalt", UslugiTechniczne, 3.0),
    ("przebudow", UslugiTechniczne, 2.0),
    ("budow", UslugiTechniczne, 1.0),
    ("remont", UslugiTechniczne, 1.0),
    ("odpad", UslugiTechniczne, 3.0),
    ("smieci", UslugiTechniczne, 3.0),
    ("segregac", UslugiTechniczne, 3.0),
    ("pszok", UslugiTechniczne, 3.0),
    ("transport", UslugiTechniczne, 2.0),
    ("autobus", UslugiTechniczne, 3.0),
    ("komunikac publiczn", UslugiTechniczne, 3.0),
    ("komunikacji publiczn", UslugiTechniczne, 3.0),
    ("komunikacja publiczn", UslugiTechniczne, 3.0),
    ("przystank", UslugiTechniczne, 3.0),
    ("parking", UslugiTechniczne, 3.0),
    ("gazyfikac", UslugiTechniczne, 3.0),
    ("gazociag", UslugiTechniczne, 3.0),
    ("deszczow", UslugiTechniczne, 2.0),
    ("melioracj", UslugiTechniczne, 3.0),
    ("infrastruktur", UslugiTechniczne, 2.0),
    ("inwestycj", UslugiTechniczne, 1.0),
    ("ulic", UslugiTechniczne, 1.0),
    ("wody", UslugiTechniczne, 1.0),
    ("woda", UslugiTechniczne, 1.0),
    ("rewitaliz", UslugiTechniczne, 1.0),
    ("przepust", UslugiTechniczne, 2.0),
    ("rondo", UslugiTechniczne, 2.0),
    ("ronda", UslugiTechniczne, 2.0),
    ("wiadukt", UslugiTechniczne, 3.0),
    ("most", UslugiTechniczne, 1.0),
    ("kladk", UslugiTechniczne, 2.0),
    ("skrzyzowan", UslugiTechniczne, 2.0),
    ("cmentarz", UslugiTechniczne, 2.0),
    ("mieszkan komunaln", UslugiTechniczne, 2.0),
    ("mieszkania komunaln", UslugiTechniczne, 2.0),
    ("swiatlowod", UslugiTechniczne, 1.0),
    ("hydrofor", UslugiTechniczne, 3.0),
    ("stacj uzdatniania", UslugiTechniczne, 3.0),
    ("stacji uzdatniania", UslugiTechniczne, 3.0),
    ("wodno", UslugiTechniczne, 1.0),
    ("oswietleni", UslugiTechniczne, 1.0),
    ("kolektor tloczn", UslugiTechniczne, 3.0),
    ("kolektorow tloczn", UslugiTechniczne, 3.0),
    // Rozwój instytucjonalny.
    ("e uslug", RozwojInstytucjonalny, 3.0),
    ("e urzad", RozwojInstytucjonalny, 3.0),
    ("e urzedu", RozwojInstytucjonalny, 3.0),
    ("e administrac", RozwojInstytucjonalny, 3.0),
    ("epuap", RozwojInstytucjonalny, 3.0),
    ("cyfryzac", RozwojInstytucjonalny, 3.0),
    ("cyfrow", RozwojInstytucjonalny, 2.0),
    ("informatyzac", RozwojInstytucjonalny, 3.0),
    ("informatyczn", RozwojInstytucjonalny, 2.0),
    ("teleinformatyczn", RozwojInstytucjonalny, 3.0),
    ("elektroniczn", RozwojInstytucjonalny, 2.0),
    ("droga elektroniczn", RozwojInstytucjonalny, 3.0),
    ("droge elektroniczn", RozwojInstytucjonalny, 3.0),
    ("online", RozwojInstytucjonalny, 2.0),
    ("on line", RozwojInstytucjonalny, 2.0),
    ("iso", RozwojInstytucjonalny, 3.0),
    ("zarzadzan", RozwojInstytucjonalny, 2.0),
    ("kontrol zarzadcz", RozwojInstytucjonalny, 3.0),
    ("kontroli zarzadcz", RozwojInstytucjonalny, 3.0),
    ("strategi", RozwojInstytucjonalny, 2.0),
    ("urzednik", RozwojInstytucjonalny, 2.0),
    ("urzednic", RozwojInstytucjonalny, 2.0),
    ("obslug klient", RozwojInstytucjonalny, 3.0),
    ("obslugi klient", RozwojInstytucjonalny, 3.0),
    ("obsluga klient", RozwojInstytucjonalny, 3.0),
    ("obslugi mieszkanc", RozwojInstytucjonalny, 3.0),
    ("kancelari", RozwojInstytucjonalny, 2.0),
    ("administrac", RozwojInstytucjonalny, 2.0),
    ("geoportal", RozwojInstytucjonalny, 3.0),
    ("gis", RozwojInstytucjonalny, 2.0),
    ("platform", RozwojInstytucjonalny, 1.0),
    ("aplikac", RozwojInstytucjonalny, 2.0),
    ("internetow", RozwojInstytucjonalny, 1.0),
    ("komputer", RozwojInstytucjonalny, 1.0),
    ("serwer", RozwojInstytucjonalny, 2.0),
    ("cyberbezpiecz", RozwojInstytucjonalny, 3.0),
    ("podpis elektroniczn", RozwojInstytucjonalny, 2.0),
    ("budzet zadaniow", RozwojInstytucjonalny, 3.0),
    ("budzetu zadaniow", RozwojInstytucjonalny, 3.0),
    ("audyt", RozwojInstytucjonalny, 2.0),
    ("certyfikat", RozwojInstytucjonalny, 1.0),
    ("ezd", RozwojInstytucjonalny, 3.0),
    ("obieg dokument", RozwojInstytucjonalny, 3.0),
    ("obiegu dokument", RozwojInstytucjonalny, 3.0),
    ("system informac", RozwojInstytucjonalny, 2.0),
    ("wniosk elektroniczn", RozwojInstytucjonalny, 3.0),
    ("formularz", RozwojInstytucjonalny, 1.0),
    ("kompetencj", RozwojInstytucjonalny, 0.5),
    // Efektywność energetyczna.
    ("termomodernizac", EfektywnoscEnergetyczna, 3.0),
    ("fotowolta", EfektywnoscEnergetyczna, 3.0),
    ("kolektor", EfektywnoscEnergetyczna, 2.0),
    ("solarn", EfektywnoscEnergetyczna, 3.0),
    ("sloneczn", EfektywnoscEnergetyczna, 2.0),
    ("odnawialn", EfektywnoscEnergetyczna, 3.0),
    ("oze", EfektywnoscEnergetyczna, 3.0),
    ("pomp ciepl", EfektywnoscEnergetyczna, 3.0),
    ("pompy ciepl", EfektywnoscEnergetyczna, 3.0),
    ("pompa ciepl", EfektywnoscEnergetyczna, 3.0),
    ("energ", EfektywnoscEnergetyczna, 2.0),
    ("energetyczn", EfektywnoscEnergetyczna, 3.0),
    ("ocieplen", EfektywnoscEnergetyczna, 3.0),
    ("docieplen", EfektywnoscEnergetyczna, 3.0),
    ("led", EfektywnoscEnergetyczna, 2.0),
    ("kotl", EfektywnoscEnergetyczna, 2.0),
    ("kotlow", EfektywnoscEnergetyczna, 2.0),
    ("kotlown", EfektywnoscEnergetyczna, 2.0),
    ("niskiej emisji", EfektywnoscEnergetyczna, 3.0),
    ("niska emisj", EfektywnoscEnergetyczna, 3.0),
    ("niskoemisyj", EfektywnoscEnergetyczna, 3.0),
    ("czyste powietrz", EfektywnoscEnergetyczna, 3.0),
    ("czyst powietrz", EfektywnoscEnergetyczna, 3.0),
    ("biomas", EfektywnoscEnergetyczna, 3.0),
    ("cieplown", EfektywnoscEnergetyczna, 2.0),
    ("ciepln", EfektywnoscEnergetyczna, 2.0),
    ("zrodel ciepla", EfektywnoscEnergetyczna, 3.0),
    ("zrodla ciepla", EfektywnoscEnergetyczna, 3.0),
    ("mikroinstalac", EfektywnoscEnergetyczna, 3.0),
    ("elektrowni", EfektywnoscEnergetyczna, 2.0),
    ("emisj", EfektywnoscEnergetyczna, 2.0),
    ("co2", EfektywnoscEnergetyczna, 2.0),
    ("smog", EfektywnoscEnergetyczna, 2.0),
    ("elektromobil", EfektywnoscEnergetyczna, 2.0),
    ("stolarki okienn", EfektywnoscEnergetyczna, 2.0),
    ("wymian okien", EfektywnoscEnergetyczna, 2.0),
    ("wymiana okien", EfektywnoscEnergetyczna, 2.0),
    ("wymiany okien", EfektywnoscEnergetyczna, 2.0),
    ("klimat", EfektywnoscEnergetyczna, 1.0),
    ("ogrzewan", EfektywnoscEnergetyczna, 2.0),
    // Współpraca JST-NGO.
    ("organizacj pozarzad", WspolpracaJstNgo, 3.0),
    ("organizacji pozarzad", WspolpracaJstNgo, 3.0),
    ("organizacjami pozarzad", WspolpracaJstNgo, 3.0),
    ("organizacjom pozarzad", WspolpracaJstNgo, 3.0),
    ("pozarzad", WspolpracaJstNgo, 3.0),
    ("ngo", WspolpracaJstNgo, 3.0),
    ("stowarzysz", WspolpracaJstNgo, 2.0),
    ("fundacj", WspolpracaJstNgo, 1.0),
    ("pozytku publiczn", WspolpracaJstNgo, 3.0),
    ("konkurs ofert", WspolpracaJstNgo, 3.0),
    ("otwart konkurs", WspolpracaJstNgo, 3.0),
    ("otwartego konkurs", WspolpracaJstNgo, 3.0),
    ("otwarty konkurs", WspolpracaJstNgo, 3.0),
    ("inicjatyw lokaln", WspolpracaJstNgo, 3.0),
    ("inicjatywy lokaln", WspolpracaJstNgo, 3.0),
    ("inicjatywa lokaln", WspolpracaJstNgo, 3.0),
    ("wolontari", WspolpracaJstNgo, 2.0),
    ("ochotnicz straz", WspolpracaJstNgo, 2.0),
    ("ochotniczej straz", WspolpracaJstNgo, 2.0),
    ("osp", WspolpracaJstNgo, 2.0),
    ("strazak", WspolpracaJstNgo, 1.0),
    ("trzeci sektor", WspolpracaJstNgo, 3.0),
    ("trzeciego sektor", WspolpracaJstNgo, 3.0),
    ("sektor obywatelsk", WspolpracaJstNgo, 3.0),
    ("zadani publiczn", WspolpracaJstNgo, 2.0),
    ("zadania publiczn", WspolpracaJstNgo, 2.0),
    ("zadan publiczn", WspolpracaJstNgo, 2.0),
    ("program wspolprac", WspolpracaJstNgo, 2.0),
    ("programu wspolprac", WspolpracaJstNgo, 2.0),
    ("lokaln grup dzialani", WspolpracaJstNgo, 1.0),
    ("lokalnej grupy dzialani", WspolpracaJstNgo, 1.0),
    ("lokalna grupa dzialani", WspolpracaJstNgo, 1.0),
    ("lgd", WspolpracaJstNgo, 1.0),
    ("fundusz inicjatyw obywatelsk", WspolpracaJstNgo, 3.0),
    ("funduszu inicjatyw obywatelsk", WspolpracaJstNgo, 3.0),
    ("fio", WspolpracaJstNgo, 3.0),
    ("aktywnosc obywatelsk", WspolpracaJstNgo, 2.0),
    ("aktywnosci obywatelsk", WspolpracaJstNgo, 2.0),
    ("spoleczenstw obywatelsk", WspolpracaJstNgo, 3.0),
    ("spoleczenstwa obywatelsk", WspolpracaJstNgo, 3.0),
    ("grant", WspolpracaJstNgo, 0.5),
    // Współpraca między JST.
    ("miedzygminn", WspolpracaMiedzyJst, 3.0),
    ("miedzypowiatow", WspolpracaMiedzyJst, 3.0),
    ("miedzysamorzadow", WspolpracaMiedzyJst, 3.0),
    ("zwiazek gmin", WspolpracaMiedzyJst, 3.0),
    ("zwiazku gmin", WspolpracaMiedzyJst, 3.0),
    ("zwiazek powiat", WspolpracaMiedzyJst, 3.0),
    ("zwiazku powiat", WspolpracaMiedzyJst, 3.0),
    ("gmin partnersk", WspolpracaMiedzyJst, 3.0),
    ("gminy partnersk", WspolpracaMiedzyJst, 3.0),
    ("miast partnersk", WspolpracaMiedzyJst, 3.0),
    ("miasta partnersk", WspolpracaMiedzyJst, 3.0),
    ("miasto partnersk", WspolpracaMiedzyJst, 3.0),
    ("partnerstw", WspolpracaMiedzyJst, 1.0),
    ("partnersk", WspolpracaMiedzyJst, 1.0),
    ("aglomerac", WspolpracaMiedzyJst, 2.0),
    ("zit", WspolpracaMiedzyJst, 3.0),
    ("obszar funkcjonaln", WspolpracaMiedzyJst, 3.0),
    ("obszaru funkcjonaln", WspolpracaMiedzyJst, 3.0),
    ("wspolprac gmin", WspolpracaMiedzyJst, 3.0),
    ("wspolpracy gmin", WspolpracaMiedzyJst, 3.0),
    ("wspolpraca gmin", WspolpracaMiedzyJst, 3.0),
    ("wspolpracy samorzad", WspolpracaMiedzyJst, 3.0),
    ("wspolpraca samorzad", WspolpracaMiedzyJst, 3.0),
    ("sasiedni gmin", WspolpracaMiedzyJst, 2.0),
    ("sasiednich gmin", WspolpracaMiedzyJst, 2.0),
    ("osciennych gmin", WspolpracaMiedzyJst, 2.0),
    ("gmin osciennych", WspolpracaMiedzyJst, 2.0),
    ("porozumieni", WspolpracaMiedzyJst, 1.0),
    ("euroregion", WspolpracaMiedzyJst, 2.0),
    ("transgraniczn", WspolpracaMiedzyJst, 2.0),
    ("subregion", WspolpracaMiedzyJst, 2.0),
    ("metropoli", WspolpracaMiedzyJst, 2.0),
    ("partnerami", WspolpracaMiedzyJst, 1.0),
    ("lider", WspolpracaMiedzyJst, 1.0),
    // Dialog społeczny.
    ("konsultac", DialogSpoleczny, 3.0),
    ("budzet obywatelsk", DialogSpoleczny, 2.0),
    ("budzetu obywatelsk", DialogSpoleczny, 2.0),
    ("budzet partycypac", DialogSpoleczny, 3.0),
    ("budzetu partycypac", DialogSpoleczny, 3.0),
    ("partycypac", DialogSpoleczny, 3.0),
    ("debat", DialogSpoleczny, 2.0),
    ("rad senior", DialogSpoleczny, 3.0),
    ("rada senior", DialogSpoleczny, 3.0),
    ("rady senior", DialogSpoleczny, 3.0),
    ("mlodziezow rad", DialogSpoleczny, 3.0),
    ("mlodziezowa rad", DialogSpoleczny, 3.0),
    ("mlodziezowej rad", DialogSpoleczny, 3.0),
    ("rada mlodziez", DialogSpoleczny, 3.0),
    ("rady mlodziez", DialogSpoleczny, 3.0),
    ("dialog", DialogSpoleczny, 3.0),
    ("spotkan z mieszkanc", DialogSpoleczny, 2.0),
    ("spotkanie z mieszkanc", DialogSpoleczny, 2.0),
    ("spotkania z mieszkanc", DialogSpoleczny, 2.0),
    ("ankiet", DialogSpoleczny, 2.0),
    ("zebrani wiejsk", DialogSpoleczny, 2.0),
    ("zebranie wiejsk", DialogSpoleczny, 2.0),
    ("zebraniu wiejsk", DialogSpoleczny, 2.0),
    ("inicjatyw uchwalodawcz", DialogSpoleczny, 3.0),
    ("inicjatywy uchwalodawcz", DialogSpoleczny, 3.0),
    ("panel obywatelsk", DialogSpoleczny, 3.0),
    ("panelu obywatelsk", DialogSpoleczny, 3.0),
    ("warsztat", DialogSpoleczny, 0.5),
    ("glosowan", DialogSpoleczny, 2.0),
    ("rad osiedl", DialogSpoleczny, 2.0),
    ("rady osiedl", DialogSpoleczny, 2.0),
    ("rada osiedl", DialogSpoleczny, 2.0),
    ("rad dzielnic", DialogSpoleczny, 2.0),
    ("rady dzielnic", DialogSpoleczny, 2.0),
    ("zwiazk zawodow", DialogSpoleczny, 3.0),
    ("zwiazkow zawodow", DialogSpoleczny, 3.0),
    ("zwiazki zawodow", DialogSpoleczny, 3.0),
    ("opini", DialogSpoleczny, 1.0),
    ("mieszkancy zdecydowal", DialogSpoleczny, 2.0),
    // Usługi społeczne as a whole.
    ("uslug spoleczn", UslugiSpoleczne, 2.0),
    ("uslugi spoleczn", UslugiSpoleczne, 2.0),
    ("centrum uslug spoleczn", UslugiSpoleczne, 3.0),
];

/// The stems as the classifier uses them: phrases (longest first) and single stems.
struct Table {
    /// Phrases of two or more stems, longest first: the phrase, its stems.
    phrases: Vec<(&'static str, Vec<&'static str>, Area, f64)>,
    /// Single stems.
    single: Vec<(&'static str, Area, f64)>,
}

fn table() -> &'static Table {
    static TABLE: std::sync::LazyLock<Table> = std::sync::LazyLock::new(|| {
        let mut phrases = Vec::new();
        let mut single = Vec::new();
        for &(s, a, w) in STEMS {
            let parts: Vec<&str> = s.split(' ').collect();
            if parts.len() > 1 {
                phrases.push((s, parts, a, w));
            } else {
                single.push((s, a, w));
            }
        }
        phrases.sort_by_key(|(_, p, ..)| std::cmp::Reverse(p.len()));
        Table { phrases, single }
    });
    &TABLE
}

/// Whether a folded word matches a stem: it starts with it, and a stem of
/// three letters or fewer (`ops`, `led`, `zit`) must be the whole word.
fn stem_matches(word: &str, stem: &str) -> bool {
    if stem.len() <= 3 {
        word == stem
    } else {
        word.starts_with(stem)
    }
}

/// Whether a folded word matches a stem inside a phrase: words of one or two
/// letters (`e` of `e-usługi`) whole, longer ones as the word's start (`dom`
/// of `domu kultury`).
fn part_matches(word: &str, stem: &str) -> bool {
    if stem.len() <= 2 {
        word == stem
    } else {
        word.starts_with(stem)
    }
}

/// One area's score and the words that gave it.
#[derive(Default)]
struct Tally {
    score: f64,
    /// Per stem: how many times it counted, its best contribution, the first words.
    stems: HashMap<&'static str, (usize, f64, String)>,
}

impl Tally {
    fn add(&mut self, stem: &'static str, weight: f64, words: &str) {
        let e = self
            .stems
            .entry(stem)
            .or_insert((0, 0.0, words.to_string()));
        if e.0 >= MAX_REPEATS {
            return;
        }
        e.0 += 1;
        e.1 += weight;
        self.score += weight;
    }
}

fn tally(text: &str, factor: f64, tallies: &mut HashMap<Area, Tally>) {
    let t = table();
    let ws = words(text);
    let mut used = vec![false; ws.len()];
    for (stem, parts, area, weight) in &t.phrases {
        let n = parts.len();
        for i in 0..ws.len().saturating_sub(n - 1) {
            if used[i..i + n].iter().any(|u| *u) {
                continue;
            }
            if parts
                .iter()
                .zip(&ws[i..i + n])
                .all(|(p, w)| part_matches(&w.folded, p))
            {
                used[i..i + n].iter_mut().for_each(|u| *u = true);
                if *weight > 0.0 {
                    tallies.entry(*area).or_default().add(
                        stem,
                        weight * factor,
                        &text[ws[i].start..ws[i + n - 1].end],
                    );
                }
            }
        }
    }
    for (i, w) in ws.iter().enumerate() {
        if used[i] {
            continue;
        }
        let best = t
            .single
            .iter()
            .filter(|(s, ..)| stem_matches(&w.folded, s))
            .max_by_key(|(s, ..)| s.len());
        if let Some(&(stem, area, weight)) = best
            && weight > 0.0
        {
            tallies
                .entry(area)
                .or_default()
                .add(stem, weight * factor, &text[w.start..w.end]);
        }
    }
}

/// The area of a page from its title and prose paragraphs, with the words
/// that decided it (see the module's documentation).
pub fn classify(title: &str, paragraphs: &[String]) -> Fact<Area> {
    let mut tallies: HashMap<Area, Tally> = HashMap::new();
    tally(title, 3.0, &mut tallies);
    for (i, p) in paragraphs.iter().enumerate() {
        tally(p, if i == 0 { 2.0 } else { 1.0 }, &mut tallies);
    }
    let mut ranked: Vec<(Area, &Tally)> = tallies.iter().map(|(a, t)| (*a, t)).collect();
    // Highest score first; ties go to the database's menu order.
    ranked.sort_by(|a, b| {
        b.1.score.total_cmp(&a.1.score).then_with(|| {
            Area::ALL
                .iter()
                .position(|x| *x == a.0)
                .cmp(&Area::ALL.iter().position(|x| *x == b.0))
        })
    });
    let Some(&(best, tally)) = ranked.first() else {
        return Fact {
            value: Area::UslugiSpoleczne,
            from: Vec::new(),
            doubt: Some(
                "no word of the page points to an area; filed under Usługi społeczne".into(),
            ),
        };
    };
    let mut stems: Vec<&(usize, f64, String)> = tally.stems.values().collect();
    stems.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut from: Vec<String> = Vec::new();
    for (_, _, w) in stems {
        if from.len() == 4 {
            break;
        }
        if !from.iter().any(|f| f.eq_ignore_ascii_case(w)) {
            from.push(w.clone());
        }
    }
    if tally.score < MIN_SCORE {
        return Fact {
            value: Area::UslugiSpoleczne,
            from,
            doubt: Some(format!(
                "too few words point to an area (best {}, score {:.1}); filed under Usługi społeczne",
                best.slug(),
                tally.score
            )),
        };
    }
    let doubt = ranked.get(1).and_then(|(second, t)| {
        (t.score >= tally.score * CLOSE).then(|| {
            format!(
                "{} ({:.1}) or {} ({:.1})",
                best.slug(),
                tally.score,
                second.slug(),
                t.score
            )
        })
    });
    Fact {
        value: best,
        from,
        doubt,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(title: &str, text: &str) -> Area {
        classify(title, &[text.to_string()]).value
    }

    #[test]
    fn pages_of_every_area() {
        for (title, text, want) in [
            (
                "Budowa kanalizacji",
                "Gmina podpisała umowę na budowę sieci kanalizacyjnej i przydomowych oczyszczalni ścieków.",
                UslugiTechniczne,
            ),
            (
                "Nowy chodnik w Lipnicy",
                "Zakończyła się przebudowa drogi gminnej wraz z budową chodnika.",
                UslugiTechniczne,
            ),
            (
                "E-usługi w urzędzie",
                "Mieszkańcy załatwią sprawy urzędowe przez internet dzięki platformie ePUAP i elektronicznemu obiegowi dokumentów.",
                RozwojInstytucjonalny,
            ),
            (
                "Nowe boisko",
                "Uczniowie i mieszkańcy mogą korzystać z nowego boiska wielofunkcyjnego i siłowni pod chmurką.",
                SportIRekreacja,
            ),
            (
                "Dożynki gminne",
                "W domu kultury odbył się koncert zespołu ludowego i wystawa rękodzieła.",
                Kultura,
            ),
            (
                "Termomodernizacja szkoły",
                "Docieplenie ścian, wymiana okien i montaż paneli fotowoltaicznych obniżą zużycie energii.",
                EfektywnoscEnergetyczna,
            ),
            (
                "Współpraca z organizacjami",
                "Wójt ogłosił otwarty konkurs ofert dla organizacji pozarządowych na realizację zadań publicznych.",
                WspolpracaJstNgo,
            ),
            (
                "Porozumienie gmin",
                "Pięć sąsiednich gmin podpisało porozumienie międzygminne o wspólnym transporcie zbiorowym.",
                WspolpracaMiedzyJst,
            ),
            (
                "Konsultacje społeczne",
                "Zapraszamy mieszkańców do udziału w konsultacjach projektu i debacie o budżecie obywatelskim.",
                DialogSpoleczny,
            ),
            (
                "Pracownia chemiczna",
                "Szkoła podstawowa wyposażyła pracownię dla uczniów, nauczyciele prowadzą lekcje doświadczalne.",
                Oswiata,
            ),
            (
                "Bezpłatne badania",
                "Mieszkanki mogą wykonać mammografię, a lekarze zapraszają na szczepienia w przychodni.",
                OchronaZdrowia,
            ),
            (
                "Klub Seniora",
                "Ośrodek Pomocy Społecznej prowadzi klub dla seniorów i osób z niepełnosprawnościami.",
                PomocSpoleczna,
            ),
        ] {
            assert_eq!(area(title, text), want, "{title}");
        }
    }

    #[test]
    fn training_is_not_a_school_and_evidence_is_the_words_as_written() {
        let f = classify(
            "Szkolenia dla urzędników",
            &[
                "Pracownicy urzędu ukończyli szkolenia z obsługi klienta i kontroli zarządczej."
                    .to_string(),
            ],
        );
        assert_eq!(f.value, RozwojInstytucjonalny);
        assert!(
            f.from.iter().any(|w| w == "kontroli zarządczej"),
            "{:?}",
            f.from
        );
        assert!(f.doubt.is_none());
    }

    #[test]
    fn nothing_pointing_anywhere_is_filed_under_social_services_with_a_doubt() {
        let f = classify(
            "Piękny dzień",
            &["Wszyscy bawili się świetnie do późnego wieczora.".to_string()],
        );
        assert_eq!(f.value, UslugiSpoleczne);
        assert!(f.doubt.is_some());
        // One weak word is not enough.
        let f = classify("Piękny dzień", &["Po spotkaniu był festyn.".to_string()]);
        assert_eq!(f.value, UslugiSpoleczne);
        assert!(f.doubt.unwrap().contains("kultura"));
    }

    #[test]
    fn short_stems_match_whole_words_only() {
        assert!(stem_matches("ops", "ops"));
        assert!(!stem_matches("opsy", "ops"));
        assert!(stem_matches("kanalizacji", "kanalizac"));
    }
}
