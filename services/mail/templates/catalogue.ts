// The words of every e-mail, in English and French. `{name}` placeholders are filled from the message's params.
import type { MailKind, MailLocale } from '../mail-kinds.js';

export interface MailWording {
  subject: string;
  paragraphs: string[];
  /** The button / link label; the message's `url` param is its target. */
  action?: string;
  /** The footer's "why you got this". */
  reason: string;
}

type Catalogue = Record<MailKind, Record<MailLocale, MailWording>>;

const accountReason = {
  en: 'You receive this message because this address belongs to an account at the data cooperative.',
  fr: 'Vous recevez ce message parce que cette adresse appartient à un compte de la coopérative de données.',
};
const noticeReason = {
  en: 'You receive this notification because you are a member of the data cooperative and have not switched it off.',
  fr: "Vous recevez cette notification parce que vous êtes membre de la coopérative de données et ne l'avez pas désactivée.",
};

export const MAIL_CATALOGUE: Catalogue = {
  'email-verification': {
    en: {
      subject: 'Confirm your e-mail address',
      paragraphs: ['Hello {name},', 'Please confirm that this address is yours. The link is valid for 24 hours.'],
      action: 'Confirm my address',
      reason: 'You receive this message because this address was used to register at the data cooperative.',
    },
    fr: {
      subject: 'Confirmez votre adresse e-mail',
      paragraphs: [
        'Bonjour {name},',
        'Merci de confirmer que cette adresse est la vôtre. Le lien est valable 24 heures.',
      ],
      action: 'Confirmer mon adresse',
      reason: 'Vous recevez ce message parce que cette adresse a servi à une inscription à la coopérative de données.',
    },
  },
  'registration-attempt': {
    en: {
      subject: 'Someone tried to register with your address',
      paragraphs: [
        'Hello {name},',
        'Someone just tried to create a new account with this address, which already has an account. No new account was created.',
        'If it was you, sign in instead; if you forgot your password, you can reset it.',
      ],
      action: 'Reset my password',
      reason: accountReason.en,
    },
    fr: {
      subject: "Quelqu'un a essayé de s'inscrire avec votre adresse",
      paragraphs: [
        'Bonjour {name},',
        "Quelqu'un vient d'essayer de créer un compte avec cette adresse, qui a déjà un compte. Aucun compte n'a été créé.",
        "Si c'était vous, connectez-vous ; si vous avez oublié votre mot de passe, vous pouvez le réinitialiser.",
      ],
      action: 'Réinitialiser mon mot de passe',
      reason: accountReason.fr,
    },
  },
  'password-reset': {
    en: {
      subject: 'Reset your password',
      paragraphs: [
        'Hello {name},',
        'Someone asked to reset the password of your account. The link works once, within 30 minutes; resetting signs you out everywhere.',
        'If it was not you, ignore this message: your password stays as it is.',
      ],
      action: 'Choose a new password',
      reason: accountReason.en,
    },
    fr: {
      subject: 'Réinitialisez votre mot de passe',
      paragraphs: [
        'Bonjour {name},',
        'Une réinitialisation du mot de passe de votre compte a été demandée. Le lien fonctionne une fois, pendant 30 minutes ; la réinitialisation vous déconnecte partout.',
        "Si ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé.",
      ],
      action: 'Choisir un nouveau mot de passe',
      reason: accountReason.fr,
    },
  },
  'login-unlock': {
    en: {
      subject: 'Sign-in attempts on your account were slowed down',
      paragraphs: [
        'Hello {name},',
        'Several wrong passwords were tried on your account, so further attempts must wait. If it was you, this link lets you sign in again at once (valid 30 minutes, once).',
        'If it was not you, your account is safe; consider a second factor.',
      ],
      action: 'Unlock my sign-in',
      reason: accountReason.en,
    },
    fr: {
      subject: 'Les tentatives de connexion à votre compte ont été ralenties',
      paragraphs: [
        'Bonjour {name},',
        "Plusieurs mots de passe erronés ont été essayés sur votre compte ; les tentatives suivantes doivent attendre. Si c'était vous, ce lien vous permet de vous reconnecter aussitôt (valable 30 minutes, une fois).",
        "Si ce n'était pas vous, votre compte est en sécurité ; pensez au second facteur.",
      ],
      action: 'Débloquer ma connexion',
      reason: accountReason.fr,
    },
  },
  'membership-decided': {
    en: {
      subject: 'Your membership application was decided',
      paragraphs: ['Hello {name},', 'A steward decided on your application: {decision}.'],
      action: 'See my membership',
      reason: noticeReason.en,
    },
    fr: {
      subject: "Votre demande d'adhésion a été traitée",
      paragraphs: ['Bonjour {name},', 'Un·e intendant·e a statué sur votre demande : {decision}.'],
      action: 'Voir mon adhésion',
      reason: noticeReason.fr,
    },
  },
  'request-decided': {
    en: {
      subject: 'Your data request was decided',
      paragraphs: ['Hello {name},', 'Your request "{title}" was decided: {decision}.'],
      action: 'See my requests',
      reason: noticeReason.en,
    },
    fr: {
      subject: 'Votre demande de données a été traitée',
      paragraphs: ['Bonjour {name},', 'Votre demande « {title} » a été traitée : {decision}.'],
      action: 'Voir mes demandes',
      reason: noticeReason.fr,
    },
  },
  'vote-opened': {
    en: {
      subject: 'A vote is open: {title}',
      paragraphs: ['Hello {name},', 'The vote on "{title}" is open until {closesAt}.'],
      action: 'Vote',
      reason: noticeReason.en,
    },
    fr: {
      subject: 'Un vote est ouvert : {title}',
      paragraphs: ['Bonjour {name},', 'Le vote sur « {title} » est ouvert jusqu’au {closesAt}.'],
      action: 'Voter',
      reason: noticeReason.fr,
    },
  },
  'vote-reminder': {
    en: {
      subject: 'The vote closes soon: {title}',
      paragraphs: ['Hello {name},', 'You have not voted on "{title}" yet; the vote closes at {closesAt}.'],
      action: 'Vote',
      reason: noticeReason.en,
    },
    fr: {
      subject: 'Le vote se termine bientôt : {title}',
      paragraphs: [
        'Bonjour {name},',
        "Vous n'avez pas encore voté sur « {title} » ; le vote se termine le {closesAt}.",
      ],
      action: 'Voter',
      reason: noticeReason.fr,
    },
  },
  'outcome-published': {
    en: {
      subject: 'The outcome is published: {title}',
      paragraphs: ['Hello {name},', 'The outcome of the vote on "{title}" is published.'],
      action: 'See the outcome',
      reason: noticeReason.en,
    },
    fr: {
      subject: 'Le résultat est publié : {title}',
      paragraphs: ['Bonjour {name},', 'Le résultat du vote sur « {title} » est publié.'],
      action: 'Voir le résultat',
      reason: noticeReason.fr,
    },
  },
  'policy-includes-you': {
    en: {
      subject: 'A new research policy would include your data',
      paragraphs: ['Hello {name},', 'The policy "{title}" would include your data under the consent you gave.'],
      action: 'Review my consent',
      reason: noticeReason.en,
    },
    fr: {
      subject: 'Une nouvelle politique de recherche inclurait vos données',
      paragraphs: [
        'Bonjour {name},',
        'La politique « {title} » inclurait vos données selon le consentement que vous avez donné.',
      ],
      action: 'Revoir mon consentement',
      reason: noticeReason.fr,
    },
  },
};
