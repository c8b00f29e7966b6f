export const MANAGE_BASE = '/account/twee-stappen';

export const MANAGE_PATHS = {
  phone: `${MANAGE_BASE}/telefoonnummer-wijzigen`,
  phoneVerify: `${MANAGE_BASE}/telefoonnummer-wijzigen/verificatie`,
  switchApp: `${MANAGE_BASE}/overstappen/app`,
  switchAppPair: `${MANAGE_BASE}/overstappen/app/koppelen`,
  switchSms: `${MANAGE_BASE}/overstappen/sms`,
  switchSmsVerify: `${MANAGE_BASE}/overstappen/sms/verificatie`,
  newCodes: `${MANAGE_BASE}/herstelcodes/nieuw`,
  codes: `${MANAGE_BASE}/herstelcodes`,
  turnOff: `${MANAGE_BASE}/uitzetten`,
};
