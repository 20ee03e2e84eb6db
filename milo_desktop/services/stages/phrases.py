"""What a screening stage says around the recruiter's questions, per language.

The recruiter writes the questions in the interviewer's language; the greeting, disclosures,
answering hints, reminders and goodbyes come from here so they match. English and Spanish
are written out; any other language gets the English phrases (and English speech) rather
than a machine translation nobody checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from milo_desktop.enums import QuestionKind
from milo_desktop.services.flows.config import QuestionSpec

# Interviewer.language (ISO 639-1, maybe with a region) → Twilio's speech language and voice.
SPEECH = {"en": ("en-US", "Polly.Joanna"), "es": ("es-US", "Polly.Lupe")}


@dataclass(frozen=True)
class Phrases:
    """One language's phrases. Templates use ``{title}`` (the position), ``{n}`` (how many
    questions), ``{keys}`` / ``{options}`` (choices) and ``{unit}``; none contains Liquid."""

    hello: str  # {name}: the candidate's first name
    hello_anonymous: str  # when the name is not known
    voice_intro: str
    voice_intro_one: str
    ai_disclosure: str
    recording_disclosure: str
    voice_closing: str
    machine_message: str
    retry_prefix: str
    say_yes_no: str
    say_choice: str  # {keys}
    say_choice_key: str  # one "{digit} for {choice}"
    say_amount: str
    sms_intro: str
    form_intro: str
    sms_ai_disclosure: str
    sms_yes_no: str
    sms_choice: str  # {options}
    sms_amount: str
    sms_reminder: str
    sms_closing: str
    sms_gave_up: str
    sms_unprompted: str  # the answer to a text that is not a reply to a question
    voice_rating: str  # the optional closing 1–5 rating, asked once (services/flows/rating.py)
    sms_rating: str


ENGLISH = Phrases(
    hello="Hi {name}",
    hello_anonymous="Hi there",
    voice_intro=("This is an automated call from the hiring team about your application for "
                 "the {title} position. I have {n} short questions. You can answer out loud, "
                 "or use your keypad when I say so."),
    voice_intro_one=("This is an automated call from the hiring team about your application "
                     "for the {title} position. I have one short question. You can answer out "
                     "loud, or use your keypad when I say so."),
    ai_disclosure="Just so you know, I am an automated AI assistant, not a person.",
    recording_disclosure="This call is recorded for quality and hiring purposes.",
    voice_closing=("Thank you, that was my last question. The hiring team will review your "
                   "answers and be in touch. Goodbye."),
    machine_message=("Hello, this is the hiring team calling about your application for the "
                     "{title} position. We will try you again later. Goodbye."),
    retry_prefix="Sorry, I didn't catch that. ",
    say_yes_no="Say yes or no, or press 1 for yes and 2 for no.",
    say_choice="Say your answer, or {keys}.",
    say_choice_key="press {digit} for {choice}",
    say_amount="Say the number of {unit}, or enter it on your keypad followed by the pound key.",
    sms_intro=("This is the hiring team for the {title} position. Please answer a few short "
               "questions by replying to each text."),
    form_intro=("This is the hiring team for the {title} position. Please complete this short "
                "form by replying to each question."),
    sms_ai_disclosure="Your replies are read by an automated assistant.",
    sms_yes_no="(Reply YES or NO)",
    sms_choice="(Reply with a number: {options})",
    sms_amount="(Reply with a number of {unit})",
    sms_reminder="Reminder: we are still waiting for your answer. ",
    sms_closing="Thank you! We have your answers. The hiring team will be in touch.",
    sms_gave_up=("We did not hear back, so this screening is closed for now. Contact the hiring "
                 "team if you are still interested."),
    sms_unprompted=("This number sends the screening questions for the {title} position. If "
                    "you applied, your questions will arrive here by text."),
    voice_rating=("Thank you for your answers. One optional thing before you go: how would you "
                  "rate this call, from 1 for poor to 5 for excellent? Say or press a number, "
                  "or say skip."),
    sms_rating=("That was the last question, thank you! Optional: how would you rate this "
                "screening from 1 (poor) to 5 (excellent)? Reply with a number, or SKIP."),
)

SPANISH = Phrases(
    hello="Hola {name}",
    hello_anonymous="Hola",
    voice_intro=("Esta es una llamada automática del equipo de contratación sobre su solicitud "
                 "para el puesto de {title}. Tengo {n} preguntas breves. Puede responder en voz "
                 "alta, o usar el teclado cuando se lo indique."),
    voice_intro_one=("Esta es una llamada automática del equipo de contratación sobre su "
                     "solicitud para el puesto de {title}. Tengo una pregunta breve. Puede "
                     "responder en voz alta, o usar el teclado cuando se lo indique."),
    ai_disclosure="Le informo que soy un asistente automático de inteligencia artificial, no una persona.",
    recording_disclosure="Esta llamada se graba con fines de calidad y contratación.",
    voice_closing=("Gracias, esa fue mi última pregunta. El equipo de contratación revisará sus "
                   "respuestas y se pondrá en contacto. Adiós."),
    machine_message=("Hola, le llama el equipo de contratación sobre su solicitud para el puesto "
                     "de {title}. Volveremos a llamar más tarde. Adiós."),
    retry_prefix="Perdón, no le entendí. ",
    say_yes_no="Diga sí o no, u oprima 1 para sí y 2 para no.",
    say_choice="Diga su respuesta, u {keys}.",
    say_choice_key="oprima {digit} para {choice}",
    say_amount="Diga el número de {unit}, o márquelo en el teclado seguido de la tecla numeral.",
    sms_intro=("Le escribe el equipo de contratación del puesto de {title}. Por favor responda "
               "unas preguntas breves contestando cada mensaje."),
    form_intro=("Le escribe el equipo de contratación del puesto de {title}. Por favor complete "
                "este breve formulario contestando cada pregunta."),
    sms_ai_disclosure="Sus respuestas las lee un asistente automático.",
    sms_yes_no="(Responda SÍ o NO)",
    sms_choice="(Responda con un número: {options})",
    sms_amount="(Responda con un número de {unit})",
    sms_reminder="Recordatorio: seguimos esperando su respuesta. ",
    sms_closing="¡Gracias! Recibimos sus respuestas. El equipo de contratación se pondrá en contacto.",
    sms_gave_up=("No recibimos respuesta, así que esta evaluación queda cerrada por ahora. "
                 "Contacte al equipo de contratación si sigue interesado."),
    sms_unprompted=("Este número envía las preguntas de evaluación para el puesto de {title}. "
                    "Si usted se postuló, sus preguntas le llegarán aquí por mensaje."),
    voice_rating=("Gracias por sus respuestas. Algo opcional antes de terminar: ¿cómo "
                  "calificaría esta llamada, del 1, mala, al 5, excelente? Diga u oprima un "
                  "número, o diga omitir."),
    sms_rating=("Esa fue la última pregunta, ¡gracias! Opcional: ¿cómo calificaría esta "
                "evaluación del 1 (mala) al 5 (excelente)? Responda con un número, u OMITIR."),
)

_PHRASES = {"en": ENGLISH, "es": SPANISH}


def base_language(language: str) -> str:
    """"es-MX" → "es"; blank → "en"."""
    return (language or "en").strip().lower().replace("_", "-").split("-")[0] or "en"


def phrases_for(language: str) -> Phrases:
    """The phrases for ``language`` (English when it has none of its own)."""
    return _PHRASES.get(base_language(language), ENGLISH)


def speech_for(language: str) -> tuple[str, str]:
    """(Twilio speech language, default voice) for ``language`` (English when unknown)."""
    return SPEECH.get(base_language(language), SPEECH["en"])


def greeting(language: str, full_name: str) -> str:
    """"Hi Ada" (the first word of the candidate's name), or "Hi there" without one: what the
    flow starts with, passed in the execution's Parameters as ``greeting``."""
    p = phrases_for(language)
    first = full_name.strip().split()[0] if full_name.strip() else ""
    return p.hello.format(name=first[:40]) if first else p.hello_anonymous


def spoken_hint(p: Phrases, q: QuestionSpec) -> str:
    """How to answer ``q`` on the phone (appended to the question)."""
    if q.kind == QuestionKind.YES_NO:
        return p.say_yes_no
    if q.kind == QuestionKind.MULTIPLE_CHOICE:
        keys = ", ".join(p.say_choice_key.format(digit=i, choice=c.strip())
                         for i, c in enumerate(q.choices, 1))
        return p.say_choice.format(keys=keys)
    if q.kind == QuestionKind.MIN_AMOUNT:
        return p.say_amount.format(unit=(q.unit or "").strip())
    return ""


def text_hint(p: Phrases, q: QuestionSpec) -> str:
    """How to answer ``q`` by text (appended to the question)."""
    if q.kind == QuestionKind.YES_NO:
        return p.sms_yes_no
    if q.kind == QuestionKind.MULTIPLE_CHOICE:
        options = ", ".join(f"{i}) {c.strip()}" for i, c in enumerate(q.choices, 1))
        return p.sms_choice.format(options=options)
    if q.kind == QuestionKind.MIN_AMOUNT:
        return p.sms_amount.format(unit=(q.unit or "").strip())
    return ""
