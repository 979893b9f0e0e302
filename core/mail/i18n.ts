import { z } from 'zod';
import { DATA_CATEGORIES, type DataCategory } from '../domain/categories';

/**
 * Words that notices use but that are chosen per data category rather than written once in a
 * template: the plain name of each category, the advice for it, and what could follow from it.
 *
 * The wording here is part of what a compliance officer approves, so it does not reach a notice
 * from this module directly: `loadTemplateSources()` serialises `CATALOG` into the template
 * sources as `i18n/<language>.json`, the sources are snapshotted with the approval, and the
 * renderer reads the catalog back out of the snapshot (see core/mail/README.md). Editing a string
 * here therefore changes the template version, exactly like editing a template file.
 *
 * Placeholders in advice: `{company}` (the company's name) and `{name}` (the affected person's
 * name, used in the representative voice). Everything is plain text; templates escape it.
 */

/** The languages customer-facing templates exist in. The first is the fallback. */
export const LANGUAGES = ['en', 'es', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

/**
 * Categories that call for the same advice share a topic, so a person whose name, email and phone
 * were all exposed reads the phishing advice once, not three times.
 */
export const ADVICE_TOPICS = [
  'credentials',
  'ssn',
  'tax_id',
  'payment_card',
  'financial_account',
  'drivers_license',
  'passport',
  'health',
  'biometric',
  'genetic',
  'identity',
  'location',
] as const;
export type AdviceTopic = (typeof ADVICE_TOPICS)[number];

export const ADVICE_TOPIC_FOR: Readonly<Record<DataCategory, AdviceTopic>> = Object.freeze({
  ssn: 'ssn',
  drivers_license: 'drivers_license',
  passport: 'passport',
  tax_id: 'tax_id',
  financial_account: 'financial_account',
  payment_card: 'payment_card',
  account_credentials: 'credentials',
  medical: 'health',
  health_insurance: 'health',
  biometric: 'biometric',
  genetic: 'genetic',
  date_of_birth: 'identity',
  email: 'identity',
  phone: 'identity',
  postal_address: 'identity',
  name: 'identity',
  ip_address: 'identity',
  precise_geolocation: 'location',
});

const nonEmpty = z.string().trim().min(1);

/** The shape of one language's catalog; also validates a catalog read back from a snapshot. */
export const LanguageCatalogSchema = z
  .object({
    /** Plain words for each category, written to stand alone as a list item. */
    categories: z.record(z.enum(DATA_CATEGORIES), nonEmpty),
    /** How a masked identifier is shown after the category, e.g. "ending in {masked}". */
    endingIn: nonEmpty.regex(/\{masked\}/, 'must contain {masked}'),
    /** What the reader can do, per topic: to the person themself, and to a representative. */
    advice: z.record(z.enum(ADVICE_TOPICS), z.object({ self: nonEmpty, representative: nonEmpty }).strict()),
    /** Likely consequences per topic, in a neutral voice (GDPR Art. 34 asks for them). */
    risks: z.record(z.enum(ADVICE_TOPICS), nonEmpty),
  })
  .strict();
export type LanguageCatalog = z.infer<typeof LanguageCatalogSchema>;

export const CATALOG: Readonly<Record<Language, LanguageCatalog>> = deepFreeze({
  en: {
    categories: {
      ssn: 'Social Security number',
      drivers_license: "Driver's license number",
      passport: 'Passport number',
      tax_id: 'Tax identification number',
      financial_account: 'Bank account number',
      payment_card: 'Payment card number',
      account_credentials: 'Account login details (username and password)',
      medical: 'Medical information',
      health_insurance: 'Health insurance information',
      biometric: 'Biometric data (such as fingerprints or face scans)',
      genetic: 'Genetic information',
      date_of_birth: 'Date of birth',
      email: 'Email address',
      phone: 'Phone number',
      postal_address: 'Postal address',
      name: 'Name',
      ip_address: 'IP address (the number that identifies an internet connection)',
      precise_geolocation: 'Precise location data',
    },
    endingIn: 'ending in {masked}',
    advice: {
      credentials: {
        self: 'Change your {company} password. If you use the same password anywhere else, change it there too. Turn on two-step verification wherever you can.',
        representative:
          "If you can, change the password for {name}'s {company} account, or contact us and we will secure or close it. If {name} used the same password elsewhere, ask those services to secure or close the accounts.",
      },
      ssn: {
        self: 'Watch for signs that someone is using your Social Security number, such as bills, letters or calls about credit you did not apply for. Check your credit reports regularly and report anything that looks wrong.',
        representative:
          "Ask the credit bureaus to add a deceased notice to {name}'s credit file. This helps stop anyone from opening new credit in {name}'s name.",
      },
      tax_id: {
        self: 'Someone could try to file a tax return in your name. Ask your tax authority whether it can add extra protection to your tax account (in the United States, an Identity Protection PIN from the IRS). Contact your tax authority at once if you receive letters about a tax return you did not file.',
        representative:
          "Tell the tax authority that issued {name}'s tax number about this incident, and contact them at once about any tax filing in {name}'s name that you do not recognize.",
      },
      payment_card: {
        self: 'Check your card statements for payments you do not recognize, and report any to your card issuer straight away. You can ask your card issuer for a replacement card with a new number.',
        representative:
          "Ask the card issuer to close {name}'s card, if this has not been done yet, and check recent statements for payments you do not recognize.",
      },
      financial_account: {
        self: 'Check your bank statements for payments or transfers you do not recognize, and tell your bank straight away if you find any. Your bank can advise you on whether to change your account number.',
        representative:
          "Tell {name}'s bank about this incident and ask them to watch the account closely or close it. Check recent statements for payments you do not recognize.",
      },
      drivers_license: {
        self: "If you think someone is using your driver's license number, tell the office that issued your license. Be careful with anyone who asks you to confirm your license number.",
        representative:
          "Tell the office that issued {name}'s driver's license about the death, if this has not been done yet, so the license can be cancelled.",
      },
      passport: {
        self: 'If you are worried that someone could use your passport number, contact the office that issued your passport. They can tell you whether to replace it.',
        representative:
          "Tell the passport office about the death, if this has not been done yet, so {name}'s passport can be cancelled.",
      },
      health: {
        self: 'Read the statements you get from your health insurer and healthcare providers. If they list care or services you did not receive, contact them straight away.',
        representative:
          "Check statements from {name}'s health insurer and healthcare providers for care that {name} did not receive, and report it to them. Tell the health insurer about the death if this has not been done yet.",
      },
      biometric: {
        self: 'Unlike a password, biometric data cannot be changed. Where a service lets you sign in with your fingerprint or face, consider adding a second step, such as a PIN.',
        representative:
          'Biometric data cannot be changed. If {name} had accounts that used a fingerprint or face scan to sign in, ask those services to close them.',
      },
      genetic: {
        self: 'Genetic information cannot be changed, and it can say something about your relatives too. Be careful with anyone who contacts you about genetic test or ancestry results.',
        representative:
          "Genetic information can say something about {name}'s relatives. You may wish to let close family members know about this letter.",
      },
      identity: {
        self: 'Be careful with unexpected emails, calls, texts or letters that mention this incident or ask for personal details. {company} will never ask you for your password or your full card number. If in doubt, contact us using the details in this letter.',
        representative:
          'Be careful with unexpected emails, calls or letters that mention {name} or this incident, or that ask for personal details. {company} will never ask for a password or a full card number. If in doubt, contact us using the details in this letter.',
      },
      location: {
        self: 'Location data can show where you have been. Review the location settings on your phone and apps. If you have any concern for your safety, contact the police, and let us know so we can help.',
        representative:
          'Location data can show where {name} has been. If this raises any concern for the safety of anyone close to {name}, contact the police, and let us know so we can help.',
      },
    },
    risks: {
      credentials:
        'Someone could try to sign in to the account, or to other accounts that use the same password.',
      ssn: 'Someone could try to use the Social Security number to open credit or other accounts fraudulently.',
      tax_id: 'Someone could try to use the tax number to file a false tax return or claim a refund.',
      payment_card: 'Someone could try to make payments with the card.',
      financial_account: 'Someone could try to take money from the account or set up payments from it.',
      drivers_license: 'Someone could try to use the license number to pretend to be the license holder.',
      passport: 'Someone could try to use the passport number to pretend to be the passport holder.',
      health:
        'Someone could learn private health details, or try to obtain care or make insurance claims with them.',
      biometric:
        'Someone could try to use the data to get past a fingerprint or face check. Biometric data cannot be changed.',
      genetic:
        'Genetic information cannot be changed. It can reveal health details and family relationships.',
      identity: 'Someone could use these details to make scam messages (phishing) look genuine.',
      location: 'Location data can reveal where someone lives, works or spends time.',
    },
  },
  es: {
    categories: {
      ssn: 'Número de Seguro Social',
      drivers_license: 'Número de licencia de conducir',
      passport: 'Número de pasaporte',
      tax_id: 'Número de identificación fiscal',
      financial_account: 'Número de cuenta bancaria',
      payment_card: 'Número de tarjeta de pago',
      account_credentials: 'Datos de acceso a la cuenta (usuario y contraseña)',
      medical: 'Información médica',
      health_insurance: 'Información del seguro médico',
      biometric: 'Datos biométricos (como huellas dactilares o imágenes del rostro)',
      genetic: 'Información genética',
      date_of_birth: 'Fecha de nacimiento',
      email: 'Dirección de correo electrónico',
      phone: 'Número de teléfono',
      postal_address: 'Dirección postal',
      name: 'Nombre',
      ip_address: 'Dirección IP (el número que identifica una conexión a internet)',
      precise_geolocation: 'Datos de ubicación precisa',
    },
    endingIn: 'terminado en {masked}',
    advice: {
      credentials: {
        self: 'Cambie su contraseña de {company}. Si usa la misma contraseña en otros sitios, cámbiela también allí. Active la verificación en dos pasos siempre que pueda.',
        representative:
          'Si puede, cambie la contraseña de la cuenta de {name} en {company}, o contáctenos y la protegeremos o la cerraremos. Si {name} usaba la misma contraseña en otros servicios, pida a esos servicios que protejan o cierren las cuentas.',
      },
      ssn: {
        self: 'Esté atento a señales de que alguien usa su Número de Seguro Social, como facturas, cartas o llamadas sobre créditos que usted no solicitó. Revise sus informes de crédito con regularidad y comunique cualquier cosa que no reconozca.',
        representative:
          'Pida a las agencias de crédito que añadan un aviso de fallecimiento al historial de crédito de {name}. Así se evita que alguien abra nuevos créditos a nombre de {name}.',
      },
      tax_id: {
        self: 'Alguien podría intentar presentar una declaración de impuestos a su nombre. Pregunte a su autoridad tributaria si puede añadir protección adicional a su cuenta (en Estados Unidos, un PIN de Protección de Identidad del IRS). Contacte de inmediato con su autoridad tributaria si recibe cartas sobre una declaración que usted no presentó.',
        representative:
          'Informe de este incidente a la autoridad tributaria que emitió el número fiscal de {name}, y contáctela de inmediato si ve alguna declaración a nombre de {name} que no reconozca.',
      },
      payment_card: {
        self: 'Revise los extractos de su tarjeta por si hay pagos que no reconozca y comuníquelos de inmediato al emisor de la tarjeta. Puede pedir al emisor una tarjeta nueva con otro número.',
        representative:
          'Pida al emisor de la tarjeta que cancele la tarjeta de {name}, si aún no se ha hecho, y revise los últimos extractos por si hay pagos que no reconozca.',
      },
      financial_account: {
        self: 'Revise los extractos de su banco por si hay pagos o transferencias que no reconozca y avise a su banco de inmediato si encuentra alguno. Su banco puede aconsejarle si conviene cambiar el número de cuenta.',
        representative:
          'Informe al banco de {name} sobre este incidente y pídale que vigile la cuenta de cerca o que la cierre. Revise los últimos extractos por si hay pagos que no reconozca.',
      },
      drivers_license: {
        self: 'Si cree que alguien está usando su número de licencia de conducir, avise a la oficina que la emitió. Desconfíe de quien le pida confirmar ese número.',
        representative:
          'Informe del fallecimiento a la oficina que emitió la licencia de conducir de {name}, si aún no se ha hecho, para que se anule.',
      },
      passport: {
        self: 'Si le preocupa que alguien pueda usar su número de pasaporte, contacte con la oficina que lo emitió. Allí le dirán si conviene sustituirlo.',
        representative:
          'Informe del fallecimiento a la oficina de pasaportes, si aún no se ha hecho, para que se anule el pasaporte de {name}.',
      },
      health: {
        self: 'Lea los extractos que recibe de su seguro médico y de sus proveedores de salud. Si aparece atención o servicios que no recibió, contáctelos de inmediato.',
        representative:
          'Revise los extractos del seguro médico y de los proveedores de salud de {name} por si aparece atención que {name} no recibió, y comuníquelo. Informe del fallecimiento al seguro médico si aún no se ha hecho.',
      },
      biometric: {
        self: 'A diferencia de una contraseña, los datos biométricos no se pueden cambiar. Si un servicio le permite iniciar sesión con su huella o su rostro, considere añadir un segundo paso, como un PIN.',
        representative:
          'Los datos biométricos no se pueden cambiar. Si {name} tenía cuentas que usaban la huella o el rostro para iniciar sesión, pida a esos servicios que las cierren.',
      },
      genetic: {
        self: 'La información genética no se puede cambiar y también puede revelar algo sobre sus familiares. Desconfíe de quien le contacte sobre resultados de pruebas genéticas o de ascendencia.',
        representative:
          'La información genética puede revelar algo sobre los familiares de {name}. Quizá desee informar de esta carta a los familiares cercanos.',
      },
      identity: {
        self: 'Desconfíe de correos, llamadas, mensajes o cartas inesperados que mencionen este incidente o le pidan datos personales. {company} nunca le pedirá su contraseña ni el número completo de su tarjeta. Si tiene dudas, contáctenos con los datos de esta carta.',
        representative:
          'Desconfíe de correos, llamadas o cartas inesperados que mencionen a {name} o este incidente, o que pidan datos personales. {company} nunca pedirá una contraseña ni un número de tarjeta completo. Si tiene dudas, contáctenos con los datos de esta carta.',
      },
      location: {
        self: 'Los datos de ubicación pueden mostrar dónde ha estado. Revise los ajustes de ubicación de su teléfono y sus aplicaciones. Si le preocupa su seguridad, contacte con la policía y avísenos para que podamos ayudarle.',
        representative:
          'Los datos de ubicación pueden mostrar dónde ha estado {name}. Si esto le preocupa por la seguridad de alguna persona cercana a {name}, contacte con la policía y avísenos para que podamos ayudar.',
      },
    },
    risks: {
      credentials:
        'Alguien podría intentar entrar en la cuenta, o en otras cuentas que usen la misma contraseña.',
      ssn: 'Alguien podría intentar usar el Número de Seguro Social para abrir créditos u otras cuentas de forma fraudulenta.',
      tax_id:
        'Alguien podría intentar usar el número fiscal para presentar una declaración falsa o pedir una devolución.',
      payment_card: 'Alguien podría intentar hacer pagos con la tarjeta.',
      financial_account: 'Alguien podría intentar sacar dinero de la cuenta o programar pagos desde ella.',
      drivers_license:
        'Alguien podría intentar usar el número de licencia para hacerse pasar por su titular.',
      passport: 'Alguien podría intentar usar el número de pasaporte para hacerse pasar por su titular.',
      health:
        'Alguien podría conocer datos privados de salud, o intentar usarlos para obtener atención médica o cobrar seguros.',
      biometric:
        'Alguien podría intentar usar los datos para superar un control de huella o de rostro. Los datos biométricos no se pueden cambiar.',
      genetic:
        'La información genética no se puede cambiar. Puede revelar datos de salud y relaciones familiares.',
      identity:
        'Alguien podría usar estos datos para que mensajes fraudulentos (phishing) parezcan auténticos.',
      location: 'Los datos de ubicación pueden revelar dónde vive, trabaja o pasa el tiempo una persona.',
    },
  },
  fr: {
    categories: {
      ssn: 'Numéro de sécurité sociale',
      drivers_license: 'Numéro de permis de conduire',
      passport: 'Numéro de passeport',
      tax_id: "Numéro d'identification fiscale",
      financial_account: 'Numéro de compte bancaire',
      payment_card: 'Numéro de carte de paiement',
      account_credentials: "Identifiants de connexion (nom d'utilisateur et mot de passe)",
      medical: 'Informations médicales',
      health_insurance: "Informations d'assurance maladie",
      biometric: 'Données biométriques (par exemple empreintes digitales ou images du visage)',
      genetic: 'Données génétiques',
      date_of_birth: 'Date de naissance',
      email: 'Adresse e-mail',
      phone: 'Numéro de téléphone',
      postal_address: 'Adresse postale',
      name: 'Nom',
      ip_address: 'Adresse IP (le numéro qui identifie une connexion internet)',
      precise_geolocation: 'Données de localisation précise',
    },
    endingIn: 'se terminant par {masked}',
    advice: {
      credentials: {
        self: "Changez votre mot de passe {company}. Si vous utilisez le même mot de passe ailleurs, changez-le aussi. Activez la validation en deux étapes partout où c'est possible.",
        representative:
          'Si vous le pouvez, changez le mot de passe du compte {company} de {name}, ou contactez-nous et nous le sécuriserons ou le fermerons. Si {name} utilisait le même mot de passe ailleurs, demandez à ces services de sécuriser ou de fermer les comptes.',
      },
      ssn: {
        self: "Soyez attentif à tout signe d'utilisation de votre numéro de sécurité sociale par quelqu'un d'autre, comme des factures, courriers ou appels concernant un crédit que vous n'avez pas demandé. Consultez régulièrement vos rapports de crédit et signalez tout ce qui vous semble anormal.",
        representative:
          "Demandez aux agences d'évaluation du crédit d'ajouter une mention de décès au dossier de crédit de {name}. Cela empêche quiconque d'ouvrir un nouveau crédit au nom de {name}.",
      },
      tax_id: {
        self: "Quelqu'un pourrait essayer de déposer une déclaration d'impôts à votre nom. Demandez à votre administration fiscale si elle peut renforcer la protection de votre compte (aux États-Unis, un code PIN de protection d'identité de l'IRS). Contactez-la sans attendre si vous recevez un courrier au sujet d'une déclaration que vous n'avez pas déposée.",
        representative:
          "Informez de cet incident l'administration fiscale qui a attribué le numéro fiscal de {name}, et contactez-la sans attendre au sujet de toute déclaration au nom de {name} que vous ne reconnaissez pas.",
      },
      payment_card: {
        self: 'Vérifiez vos relevés de carte et signalez sans attendre à votre banque tout paiement que vous ne reconnaissez pas. Vous pouvez demander une nouvelle carte avec un nouveau numéro.',
        representative:
          "Demandez à la banque émettrice de fermer la carte de {name}, si ce n'est pas déjà fait, et vérifiez les derniers relevés pour repérer tout paiement inconnu.",
      },
      financial_account: {
        self: "Vérifiez vos relevés bancaires et prévenez votre banque sans attendre si vous trouvez un paiement ou un virement que vous ne reconnaissez pas. Votre banque peut vous dire s'il vaut mieux changer de numéro de compte.",
        representative:
          'Informez la banque de {name} de cet incident et demandez-lui de surveiller le compte de près ou de le clôturer. Vérifiez les derniers relevés pour repérer tout paiement inconnu.',
      },
      drivers_license: {
        self: "Si vous pensez que quelqu'un utilise votre numéro de permis de conduire, prévenez l'autorité qui l'a délivré. Méfiez-vous de toute personne qui vous demande de confirmer ce numéro.",
        representative:
          "Informez du décès l'autorité qui a délivré le permis de conduire de {name}, si ce n'est pas déjà fait, afin qu'il soit annulé.",
      },
      passport: {
        self: "Si vous craignez que quelqu'un utilise votre numéro de passeport, contactez l'autorité qui l'a délivré. Elle vous dira s'il faut le remplacer.",
        representative:
          "Informez du décès le service des passeports, si ce n'est pas déjà fait, afin que le passeport de {name} soit annulé.",
      },
      health: {
        self: "Lisez les relevés de votre assurance maladie et de vos professionnels de santé. S'ils mentionnent des soins que vous n'avez pas reçus, contactez-les sans attendre.",
        representative:
          "Vérifiez les relevés de l'assurance maladie et des professionnels de santé de {name} et signalez tout soin que {name} n'a pas reçu. Informez l'assurance maladie du décès si ce n'est pas déjà fait.",
      },
      biometric: {
        self: "Contrairement à un mot de passe, les données biométriques ne peuvent pas être changées. Lorsqu'un service vous permet de vous connecter avec votre empreinte ou votre visage, pensez à ajouter une seconde étape, comme un code PIN.",
        representative:
          "Les données biométriques ne peuvent pas être changées. Si {name} avait des comptes utilisant l'empreinte ou le visage pour se connecter, demandez à ces services de les fermer.",
      },
      genetic: {
        self: 'Les données génétiques ne peuvent pas être changées et peuvent aussi renseigner sur vos proches. Méfiez-vous de toute personne qui vous contacte au sujet de résultats de tests génétiques ou généalogiques.',
        representative:
          'Les données génétiques peuvent renseigner sur les proches de {name}. Vous pouvez, si vous le souhaitez, informer les membres proches de la famille de ce courrier.',
      },
      identity: {
        self: 'Méfiez-vous des e-mails, appels, SMS ou courriers inattendus qui mentionnent cet incident ou vous demandent des informations personnelles. {company} ne vous demandera jamais votre mot de passe ni le numéro complet de votre carte. En cas de doute, contactez-nous avec les coordonnées de ce courrier.',
        representative:
          'Méfiez-vous des e-mails, appels ou courriers inattendus qui mentionnent {name} ou cet incident, ou qui demandent des informations personnelles. {company} ne demandera jamais de mot de passe ni de numéro de carte complet. En cas de doute, contactez-nous avec les coordonnées de ce courrier.',
      },
      location: {
        self: 'Les données de localisation peuvent révéler vos déplacements. Vérifiez les réglages de localisation de votre téléphone et de vos applications. Si vous craignez pour votre sécurité, contactez la police et prévenez-nous afin que nous puissions vous aider.',
        representative:
          "Les données de localisation peuvent révéler les déplacements de {name}. Si cela vous fait craindre pour la sécurité d'un proche de {name}, contactez la police et prévenez-nous afin que nous puissions aider.",
      },
    },
    risks: {
      credentials:
        "Quelqu'un pourrait essayer de se connecter au compte, ou à d'autres comptes utilisant le même mot de passe.",
      ssn: "Quelqu'un pourrait essayer d'utiliser le numéro de sécurité sociale pour ouvrir frauduleusement un crédit ou d'autres comptes.",
      tax_id:
        "Quelqu'un pourrait essayer d'utiliser le numéro fiscal pour déposer une fausse déclaration ou demander un remboursement.",
      payment_card: "Quelqu'un pourrait essayer d'effectuer des paiements avec la carte.",
      financial_account:
        "Quelqu'un pourrait essayer de retirer de l'argent du compte ou d'y mettre en place des paiements.",
      drivers_license:
        "Quelqu'un pourrait essayer d'utiliser le numéro de permis pour se faire passer pour son titulaire.",
      passport:
        "Quelqu'un pourrait essayer d'utiliser le numéro de passeport pour se faire passer pour son titulaire.",
      health:
        "Quelqu'un pourrait prendre connaissance d'informations de santé privées, ou tenter de les utiliser pour obtenir des soins ou des remboursements.",
      biometric:
        "Quelqu'un pourrait essayer d'utiliser ces données pour passer un contrôle d'empreinte ou de visage. Les données biométriques ne peuvent pas être changées.",
      genetic:
        'Les données génétiques ne peuvent pas être changées. Elles peuvent révéler des informations de santé et des liens familiaux.',
      identity:
        "Quelqu'un pourrait utiliser ces informations pour rendre crédibles des messages frauduleux (hameçonnage).",
      location:
        'Les données de localisation peuvent révéler où une personne vit, travaille ou passe son temps.',
    },
  },
  de: {
    categories: {
      ssn: 'Sozialversicherungsnummer',
      drivers_license: 'Führerscheinnummer',
      passport: 'Reisepassnummer',
      tax_id: 'Steuer-Identifikationsnummer',
      financial_account: 'Bankkontonummer',
      payment_card: 'Zahlungskartennummer',
      account_credentials: 'Zugangsdaten (Benutzername und Passwort)',
      medical: 'Medizinische Daten',
      health_insurance: 'Krankenversicherungsdaten',
      biometric: 'Biometrische Daten (zum Beispiel Fingerabdrücke oder Gesichtsbilder)',
      genetic: 'Genetische Daten',
      date_of_birth: 'Geburtsdatum',
      email: 'E-Mail-Adresse',
      phone: 'Telefonnummer',
      postal_address: 'Postanschrift',
      name: 'Name',
      ip_address: 'IP-Adresse (die Nummer, die eine Internetverbindung kennzeichnet)',
      precise_geolocation: 'Genaue Standortdaten',
    },
    endingIn: 'endet auf {masked}',
    advice: {
      credentials: {
        self: 'Ändern Sie Ihr Passwort bei {company}. Wenn Sie dasselbe Passwort auch anderswo verwenden, ändern Sie es dort ebenfalls. Schalten Sie die Zwei-Faktor-Anmeldung ein, wo immer es geht.',
        representative:
          'Ändern Sie nach Möglichkeit das Passwort für das {company}-Konto von {name}, oder wenden Sie sich an uns, damit wir es sichern oder schließen. Falls {name} dasselbe Passwort anderswo verwendet hat, bitten Sie diese Dienste, die Konten zu sichern oder zu schließen.',
      },
      ssn: {
        self: 'Achten Sie auf Anzeichen, dass jemand Ihre Sozialversicherungsnummer verwendet, etwa Rechnungen, Briefe oder Anrufe zu Krediten, die Sie nicht beantragt haben. Prüfen Sie regelmäßig Ihre Kreditauskünfte und melden Sie alles, was Ihnen unbekannt vorkommt.',
        representative:
          'Bitten Sie die Auskunfteien, in der Kreditakte von {name} einen Sterbevermerk einzutragen. So kann niemand neue Kredite im Namen von {name} aufnehmen.',
      },
      tax_id: {
        self: 'Jemand könnte versuchen, in Ihrem Namen eine Steuererklärung abzugeben. Fragen Sie Ihre Steuerbehörde, ob sie Ihr Steuerkonto zusätzlich schützen kann (in den USA mit einer Identity Protection PIN des IRS). Melden Sie sich sofort bei Ihrer Steuerbehörde, wenn Sie Post zu einer Steuererklärung erhalten, die Sie nicht abgegeben haben.',
        representative:
          'Informieren Sie die Steuerbehörde, die die Steuernummer von {name} vergeben hat, über diesen Vorfall, und melden Sie sich sofort bei ihr, wenn Sie eine Steuererklärung im Namen von {name} bemerken, die Sie nicht kennen.',
      },
      payment_card: {
        self: 'Prüfen Sie Ihre Kartenabrechnungen auf Zahlungen, die Sie nicht kennen, und melden Sie diese sofort dem Kartenaussteller. Sie können bei Ihrem Kartenaussteller eine Ersatzkarte mit neuer Nummer anfordern.',
        representative:
          'Bitten Sie den Kartenaussteller, die Karte von {name} zu sperren, falls das noch nicht geschehen ist, und prüfen Sie die letzten Abrechnungen auf unbekannte Zahlungen.',
      },
      financial_account: {
        self: 'Prüfen Sie Ihre Kontoauszüge auf Zahlungen oder Überweisungen, die Sie nicht kennen, und informieren Sie sofort Ihre Bank, wenn Sie welche finden. Ihre Bank kann Sie beraten, ob eine neue Kontonummer sinnvoll ist.',
        representative:
          'Informieren Sie die Bank von {name} über diesen Vorfall und bitten Sie sie, das Konto genau zu beobachten oder es aufzulösen. Prüfen Sie die letzten Kontoauszüge auf unbekannte Zahlungen.',
      },
      drivers_license: {
        self: 'Wenn Sie vermuten, dass jemand Ihre Führerscheinnummer verwendet, informieren Sie die Stelle, die Ihren Führerschein ausgestellt hat. Seien Sie vorsichtig, wenn jemand Sie bittet, diese Nummer zu bestätigen.',
        representative:
          'Teilen Sie der Stelle, die den Führerschein von {name} ausgestellt hat, den Todesfall mit, falls das noch nicht geschehen ist, damit der Führerschein ungültig wird.',
      },
      passport: {
        self: 'Wenn Sie befürchten, dass jemand Ihre Reisepassnummer verwenden könnte, wenden Sie sich an die Stelle, die Ihren Pass ausgestellt hat. Dort erfahren Sie, ob ein neuer Pass sinnvoll ist.',
        representative:
          'Teilen Sie der Passbehörde den Todesfall mit, falls das noch nicht geschehen ist, damit der Reisepass von {name} ungültig wird.',
      },
      health: {
        self: 'Lesen Sie die Abrechnungen Ihrer Krankenversicherung und Ihrer Ärzte. Wenn dort Behandlungen oder Leistungen stehen, die Sie nicht erhalten haben, melden Sie sich sofort dort.',
        representative:
          'Prüfen Sie die Abrechnungen der Krankenversicherung und der Ärzte von {name} auf Behandlungen, die {name} nicht erhalten hat, und melden Sie diese. Teilen Sie der Krankenversicherung den Todesfall mit, falls das noch nicht geschehen ist.',
      },
      biometric: {
        self: 'Anders als ein Passwort lassen sich biometrische Daten nicht ändern. Wo ein Dienst die Anmeldung per Fingerabdruck oder Gesicht erlaubt, sollten Sie einen zweiten Schritt hinzufügen, zum Beispiel eine PIN.',
        representative:
          'Biometrische Daten lassen sich nicht ändern. Falls {name} Konten hatte, bei denen die Anmeldung per Fingerabdruck oder Gesicht erfolgte, bitten Sie diese Dienste, die Konten zu schließen.',
      },
      genetic: {
        self: 'Genetische Daten lassen sich nicht ändern und können auch etwas über Ihre Verwandten aussagen. Seien Sie vorsichtig, wenn jemand Sie wegen Ergebnissen von Gentests oder Abstammungsanalysen kontaktiert.',
        representative:
          'Genetische Daten können etwas über die Verwandten von {name} aussagen. Vielleicht möchten Sie nahe Angehörige über dieses Schreiben informieren.',
      },
      identity: {
        self: 'Seien Sie vorsichtig bei unerwarteten E-Mails, Anrufen, SMS oder Briefen, die diesen Vorfall erwähnen oder nach persönlichen Daten fragen. {company} wird Sie niemals nach Ihrem Passwort oder Ihrer vollständigen Kartennummer fragen. Im Zweifel wenden Sie sich an uns über die Kontaktdaten in diesem Schreiben.',
        representative:
          'Seien Sie vorsichtig bei unerwarteten E-Mails, Anrufen oder Briefen, die {name} oder diesen Vorfall erwähnen oder nach persönlichen Daten fragen. {company} wird niemals nach einem Passwort oder einer vollständigen Kartennummer fragen. Im Zweifel wenden Sie sich an uns über die Kontaktdaten in diesem Schreiben.',
      },
      location: {
        self: 'Standortdaten können zeigen, wo Sie sich aufgehalten haben. Prüfen Sie die Standorteinstellungen Ihres Telefons und Ihrer Apps. Wenn Sie sich um Ihre Sicherheit sorgen, wenden Sie sich an die Polizei und sagen Sie uns Bescheid, damit wir helfen können.',
        representative:
          'Standortdaten können zeigen, wo sich {name} aufgehalten hat. Wenn Sie sich deshalb um die Sicherheit von Menschen aus dem Umfeld von {name} sorgen, wenden Sie sich an die Polizei und sagen Sie uns Bescheid, damit wir helfen können.',
      },
    },
    risks: {
      credentials:
        'Jemand könnte versuchen, sich bei dem Konto anzumelden oder bei anderen Konten mit demselben Passwort.',
      ssn: 'Jemand könnte versuchen, mit der Sozialversicherungsnummer betrügerisch Kredite oder andere Konten zu eröffnen.',
      tax_id:
        'Jemand könnte versuchen, mit der Steuernummer eine falsche Steuererklärung abzugeben oder eine Erstattung zu beantragen.',
      payment_card: 'Jemand könnte versuchen, mit der Karte zu bezahlen.',
      financial_account:
        'Jemand könnte versuchen, Geld vom Konto abzuheben oder Zahlungen davon einzurichten.',
      drivers_license:
        'Jemand könnte versuchen, sich mit der Führerscheinnummer als dessen Inhaber auszugeben.',
      passport: 'Jemand könnte versuchen, sich mit der Reisepassnummer als dessen Inhaber auszugeben.',
      health:
        'Jemand könnte private Gesundheitsdaten erfahren oder versuchen, damit Behandlungen oder Versicherungsleistungen zu erschleichen.',
      biometric:
        'Jemand könnte versuchen, mit den Daten eine Fingerabdruck- oder Gesichtsprüfung zu umgehen. Biometrische Daten lassen sich nicht ändern.',
      genetic:
        'Genetische Daten lassen sich nicht ändern. Sie können Gesundheitsdaten und Verwandtschaftsbeziehungen offenlegen.',
      identity:
        'Jemand könnte diese Daten nutzen, um betrügerische Nachrichten (Phishing) echt wirken zu lassen.',
      location: 'Standortdaten können verraten, wo jemand wohnt, arbeitet oder Zeit verbringt.',
    },
  },
});

/**
 * The template language for a customer locale: its primary subtag if templates exist for it,
 * otherwise the fallback. Accepts BCP 47 tags in any case and POSIX spellings ('es-MX', 'ES_mx',
 * 'fr', 'de-AT' → 'es', 'es', 'fr', 'de'; 'pt-BR', '', 'xx' → 'en').
 */
export function resolveLanguage<L extends string = Language>(
  locale: string | null | undefined,
  available: readonly L[] = LANGUAGES as unknown as readonly L[],
  fallback: L = DEFAULT_LANGUAGE as L,
): L {
  const primary = (locale ?? '').trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return (available as readonly string[]).includes(primary) ? (primary as L) : fallback;
}

/** Formatting locales used when the customer's own locale belongs to another language. */
const FORMAT_LOCALE_FOR: Readonly<Record<string, string>> = { en: 'en-GB', es: 'es', fr: 'fr', de: 'de' };

/**
 * The locale dates are formatted in: the customer's own (so 'es-MX' keeps Mexican conventions) when
 * it is valid and of the template's language; else the language's default. A French text never
 * carries a Portuguese date.
 */
export function formattingLocale(customerLocale: string | null | undefined, language: string): string {
  const key = `${customerLocale ?? ''}|${language}`;
  let found = formattingLocales.get(key);
  if (found === undefined) {
    found = FORMAT_LOCALE_FOR[language] ?? language;
    const raw = (customerLocale ?? '').trim().replace(/_/g, '-');
    if (raw) {
      try {
        const [canonical] = Intl.getCanonicalLocales(raw);
        if (canonical && canonical.split('-')[0]?.toLowerCase() === language) found = canonical;
      } catch {
        // Not a valid BCP 47 tag: keep the language default.
      }
    }
    if (formattingLocales.size >= MAX_FORMATTERS) formattingLocales.clear();
    formattingLocales.set(key, found);
  }
  return found;
}
const formattingLocales = new Map<string, string>();

/** An IANA zone the runtime knows, else 'UTC' (a bad zone in one record must not stop a notice). */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return 'UTC';
  let known = knownZones.get(timeZone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone });
      known = true;
    } catch {
      known = false;
    }
    if (knownZones.size >= MAX_FORMATTERS) knownZones.clear();
    knownZones.set(timeZone, known);
  }
  return known ? timeZone : 'UTC';
}
const knownZones = new Map<string, boolean>();

// Building an Intl.DateTimeFormat costs far more than using one; a batch uses a handful of
// (locale, zone) pairs, so they are kept. Bounded so hostile input cannot grow it without end.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 2_000;

function formatter(kind: 'date' | 'dateTime', locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${kind}|${locale}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'date'
        ? { day: 'numeric', month: 'long', year: 'numeric', timeZone }
        : {
            day: 'numeric',
            month: 'long',
            year: 'numeric',
            hour: 'numeric',
            minute: '2-digit',
            timeZoneName: 'short',
            timeZone,
          };
    f = new Intl.DateTimeFormat(locale, options);
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

/** "5 March 2026, 14:30 CET" style (exact punctuation per locale): date, time and zone. */
export function formatDateTime(date: Date, locale: string, timeZone: string): string {
  return formatter('dateTime', locale, safeTimeZone(timeZone)).format(date);
}

/** "5 March 2026": the calendar day in the reader's own time zone. */
export function formatDate(date: Date, locale: string, timeZone: string): string {
  return formatter('date', locale, safeTimeZone(timeZone)).format(date);
}

/** True when two instants fall on the same calendar day in the given zone. */
export function sameDay(a: Date, b: Date, timeZone: string): boolean {
  const f = formatter('date', 'en-GB', safeTimeZone(timeZone));
  return f.format(a) === f.format(b);
}

const listFormats = new Map<string, Intl.ListFormat>();
/** "4242 and 1111" / "4242 y 1111" / "4242 et 1111" / "4242 und 1111". */
export function formatList(items: readonly string[], language: string): string {
  let f = listFormats.get(language);
  if (!f) {
    f = new Intl.ListFormat(language, { type: 'conjunction', style: 'long' });
    listFormats.set(language, f);
  }
  return f.format(items);
}

/** Replaces `{key}` placeholders; unknown placeholders are left visible so a review catches them. */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
